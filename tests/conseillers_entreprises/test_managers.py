import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.conseillers_entreprises.enums import MatchStatus
from relais.conseillers_entreprises.models import Absence
from tests.accounts.factories import UserFactory

from .factories import AntenneFactory, ExpertFactory, MatchFactory

pytestmark = pytest.mark.django_db

ANTENNES = reverse("conseillers_entreprises:managed_antennes")


def detail_url(antenne):
    return reverse("conseillers_entreprises:antenne", kwargs={"public_id": antenne.public_id})


def agents_url(antenne):
    return reverse("conseillers_entreprises:antenne_agents", kwargs={"public_id": antenne.public_id})


def delete_url(antenne, absence):
    return reverse(
        "conseillers_entreprises:antenne_absence_delete",
        kwargs={"public_id": antenne.public_id, "absence_id": absence.public_id},
    )


@pytest.fixture
def antenne():
    return AntenneFactory(name="CCI Lyon Métropole")


@pytest.fixture
def manager(antenne):
    user = UserFactory(email="directrice@cci.fr")
    antenne.managers.add(user)
    return user


@pytest.fixture
def agents():
    return [UserFactory(first_name="Inès", last_name="Perrin"), UserFactory(first_name="Paul", last_name="Roux")]


@pytest.fixture
def teams(antenne, agents):
    return [
        ExpertFactory(antenne=antenne, name="Équipe RH", users=[agents[0]]),
        ExpertFactory(antenne=antenne, name="Équipe Export", users=agents),
    ]


@pytest.fixture
def other_antenne():
    other = AntenneFactory(name="CMA Rhône")
    other.managers.add(UserFactory(email="responsable@cma.fr"))
    ExpertFactory(antenne=other, name="Équipe CMA")
    return other


def sent(expert, status=MatchStatus.QUO, days_ago=1):
    return MatchFactory(expert=expert, status=status, sent_at=timezone.now() - datetime.timedelta(days=days_ago))


def tab_counts(response):
    return {parse_qs(urlsplit(tab.url).query)["onglet"][0]: tab.count for tab in response.context["tabs"]}


def test_manager_lists_their_antennes_only(client, manager, antenne, teams, other_antenne):
    client.force_login(manager)
    response = client.get(ANTENNES)
    assert list(response.context["antennes"]) == [antenne]
    assert response.context["antennes"][0].team_count == 2
    content = response.content.decode()
    assert detail_url(antenne) in content and "CMA Rhône" not in content


def test_header_links_managers_to_their_antennes(client, manager, agents):
    client.force_login(manager)
    assert ANTENNES in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(agents[0])
    assert ANTENNES not in client.get(reverse("accounts:profile")).content.decode()


def test_antenne_page_shows_the_needs_of_its_teams_with_tabs_and_figures(
    client, manager, antenne, teams, other_antenne
):
    sent(teams[0], MatchStatus.QUO)
    sent(teams[1], MatchStatus.TAKING_CARE)
    sent(teams[1], MatchStatus.DONE)
    sent(teams[0], MatchStatus.NOT_FOR_ME)
    sent(teams[0], MatchStatus.QUO, days_ago=50)
    sent(other_antenne.experts.get(), MatchStatus.TAKING_CARE)
    client.force_login(manager)
    response = client.get(detail_url(antenne))
    assert response.status_code == 200
    assert tab_counts(response) == {"nouveaux": 1, "pris-en-charge": 1, "clotures": 1, "refuses": 1, "expires": 1}
    assert response.context["total"] == 5
    assert response.context["taken_share"] == 40
    assert ("En cours de prise en charge", 1) in response.context["status_counts"]
    assert "40 %" in response.content.decode()
    taken = client.get(detail_url(antenne), {"onglet": "pris-en-charge"})
    assert [match.expert for match in taken.context["page_obj"]] == [teams[1]]


def test_antenne_without_needs_has_no_share(client, manager, antenne):
    client.force_login(manager)
    response = client.get(detail_url(antenne))
    assert response.context["taken_share"] is None
    assert "Aucun besoin dans cet onglet" in response.content.decode()


@pytest.mark.parametrize("url", [detail_url, agents_url])
def test_only_the_antenne_managers_get_its_pages(client, manager, antenne, teams, other_antenne, agents, url):
    client.force_login(other_antenne.managers.get())
    assert client.get(url(antenne)).status_code == 404
    client.force_login(agents[0])
    assert client.get(url(antenne)).status_code == 404
    client.force_login(manager)
    assert client.get(url(antenne)).status_code == 200
    assert client.get(url(other_antenne)).status_code == 404
    client.logout()
    response = client.get(url(antenne))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_antenne_page_query_count_does_not_grow(client, manager, antenne, teams, django_assert_max_num_queries):
    client.force_login(manager)
    sent(teams[0])
    client.get(detail_url(antenne))
    with django_assert_max_num_queries(14) as small:
        client.get(detail_url(antenne))
    for index in range(40):
        sent(teams[index % 2], [MatchStatus.QUO, MatchStatus.TAKING_CARE][index % 2], days_ago=index % 30)
    with django_assert_max_num_queries(len(small)):
        response = client.get(detail_url(antenne))
    assert response.context["total"] == 41


def test_agents_page_lists_agents_teams_and_current_absences(client, manager, antenne, teams, agents):
    today = timezone.localdate()
    Absence.objects.create(user=agents[0], starts_on=today, ends_on=today + datetime.timedelta(days=3))
    Absence.objects.create(
        user=agents[0], starts_on=today - datetime.timedelta(days=20), ends_on=today - datetime.timedelta(days=10)
    )
    client.force_login(manager)
    response = client.get(agents_url(antenne))
    content = response.content.decode()
    assert list(response.context["agents"]) == agents
    assert "Équipe Export, Équipe RH" in content
    assert f"Du {today:%d/%m/%Y} au {today + datetime.timedelta(days=3):%d/%m/%Y} (en cours)" in content
    assert f"{today - datetime.timedelta(days=20):%d/%m/%Y}" not in content
    assert "Présent" in content


def test_agents_page_query_count_does_not_grow(client, manager, antenne, teams, django_assert_max_num_queries):
    client.force_login(manager)
    client.get(agents_url(antenne))
    with django_assert_max_num_queries(14) as small:
        client.get(agents_url(antenne))
    today = timezone.localdate()
    for _ in range(10):
        agent = UserFactory()
        ExpertFactory(antenne=antenne, users=[agent])
        Absence.objects.create(user=agent, starts_on=today, ends_on=today)
    with django_assert_max_num_queries(len(small)):
        response = client.get(agents_url(antenne))
    assert len(response.context["agents"]) == 12


def test_manager_adds_an_absence(client, manager, antenne, teams, agents):
    client.force_login(manager)
    start = timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "agent": agents[1].public_id,
        "starts_on": start.isoformat(),
        "ends_on": f"{start + datetime.timedelta(days=4):%d/%m/%Y}",
    }
    response = client.post(agents_url(antenne), data, follow=True)
    assert response.redirect_chain == [(agents_url(antenne), 302)]
    absence = Absence.objects.get()
    assert (absence.user, absence.starts_on, absence.ends_on, absence.created_by) == (
        agents[1],
        start,
        start + datetime.timedelta(days=4),
        manager,
    )
    assert "L’absence de Paul Roux est enregistrée." in response.content.decode()
    client.post(agents_url(antenne), data)  # a double submit
    assert Absence.objects.count() == 1


@pytest.mark.parametrize(
    ("starts", "ends", "field", "message"),
    [
        (5, 2, "ends_on", "La date de fin doit être le jour du début ou après."),
        (-10, -3, "ends_on", "Cette absence est déjà passée : indiquez une date de fin à venir."),
        (0, 400, "ends_on", "Une absence dure un an au plus : vérifiez les dates."),
        (0, None, "ends_on", "Indiquez le dernier jour d’absence."),
        (None, 2, "starts_on", "Indiquez le premier jour d’absence."),
    ],
)
def test_absence_dates_are_checked_in_french(client, manager, antenne, teams, agents, starts, ends, field, message):
    today = timezone.localdate()

    def day(offset):
        return "" if offset is None else (today + datetime.timedelta(days=offset)).isoformat()

    client.force_login(manager)
    response = client.post(
        agents_url(antenne), {"agent": agents[0].public_id, "starts_on": day(starts), "ends_on": day(ends)}
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not Absence.objects.exists()


def test_absence_of_an_agent_outside_the_antenne_is_refused(client, manager, antenne, teams, other_antenne):
    outsider = other_antenne.experts.get().users.get()
    client.force_login(manager)
    today = timezone.localdate().isoformat()
    response = client.post(agents_url(antenne), {"agent": outsider.public_id, "starts_on": today, "ends_on": today})
    assert response.status_code == 400
    assert response.context["form"].errors["agent"] == ["Cet agent ne fait pas partie des équipes de l’antenne."]
    assert not Absence.objects.exists()


def test_manager_removes_an_absence(client, manager, antenne, teams, agents):
    today = timezone.localdate()
    absence = Absence.objects.create(user=agents[0], starts_on=today, ends_on=today)
    client.force_login(manager)
    assert client.get(delete_url(antenne, absence)).status_code == 405
    response = client.post(delete_url(antenne, absence), follow=True)
    assert response.redirect_chain == [(agents_url(antenne), 302)]
    assert not Absence.objects.exists()
    assert "L’absence de Inès Perrin est supprimée." in response.content.decode()


def test_absences_of_other_antennes_cannot_be_removed(client, manager, antenne, teams, other_antenne):
    today = timezone.localdate()
    foreign = Absence.objects.create(user=other_antenne.experts.get().users.get(), starts_on=today, ends_on=today)
    client.force_login(manager)
    assert client.post(delete_url(antenne, foreign)).status_code == 404
    client.force_login(other_antenne.managers.get())
    assert client.post(delete_url(antenne, foreign)).status_code == 404
    assert Absence.objects.filter(pk=foreign.pk).exists()
