from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from relais.conseillers_entreprises.enums import MatchStatus
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, EstablishmentFactory

from .factories import DiagnosisFactory, ExpertFactory, MatchFactory, NeedFactory, SolicitationFactory, SubjectFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("conseillers_entreprises:inbox")


@pytest.fixture
def agent():
    return UserFactory(email="agent.cci@cci.fr")


@pytest.fixture
def team(agent):
    return ExpertFactory(name="Équipe RH CCI Lyon", users=[agent])


def received(expert, *, company="ATELIER SOIERIE", status=MatchStatus.QUO, days_ago=1, subject="Recruter", **contact):
    establishment = EstablishmentFactory(company=CompanyFactory(name=company))
    need = NeedFactory(
        diagnosis=DiagnosisFactory(establishment=establishment, solicitation=SolicitationFactory(**contact)),
        subject=SubjectFactory(label=subject),
    )
    return MatchFactory(need=need, expert=expert, status=status, sent_at=timezone.now() - timedelta(days=days_ago))


def tab_counts(response):
    return {parse_qs(urlsplit(tab.url).query)["onglet"][0]: tab.count for tab in response.context["tabs"]}


def test_anonymous_is_sent_to_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_user_without_team_gets_an_explanation(client):
    client.force_login(UserFactory())
    response = client.get(INBOX)
    assert response.status_code == 200
    assert "Vous ne faites partie d’aucune équipe" in response.content.decode()
    assert "tabs" not in response.context


def test_tabs_sort_matches_by_status_and_count_them(client, agent, team):
    received(team, company="NOUVEAU", status=MatchStatus.QUO, days_ago=3)
    received(team, company="EN COURS", status=MatchStatus.TAKING_CARE)
    for status in (MatchStatus.DONE, MatchStatus.DONE_NO_HELP, MatchStatus.DONE_NOT_REACHABLE):
        received(team, company=f"CLOS {status}", status=status)
    received(team, company="REFUSE", status=MatchStatus.NOT_FOR_ME)
    received(team, company="EXPIRE", status=MatchStatus.QUO, days_ago=60)
    MatchFactory(expert=team, sent_at=None)  # not sent yet: not in the inbox
    client.force_login(agent)

    response = client.get(INBOX)
    assert tab_counts(response) == {"nouveaux": 1, "pris-en-charge": 1, "clotures": 3, "refuses": 1, "expires": 1}
    content = response.content.decode()
    assert "NOUVEAU" in content and "EN COURS" not in content
    expected = {"pris-en-charge": "EN COURS", "refuses": "REFUSE", "expires": "EXPIRE", "clotures": "CLOS done_no_help"}
    for slug, company in expected.items():
        response = client.get(INBOX, {"onglet": slug})
        assert company in response.content.decode()
        assert "NOUVEAU" not in response.content.decode()


def test_a_row_links_to_the_need_page(client, agent, team):
    match = received(team, company="ATELIER SOIERIE CROIX-ROUSSE", subject="Recruter un salarié")
    client.force_login(agent)
    content = client.get(INBOX).content.decode()
    assert reverse("conseillers_entreprises:need", kwargs={"public_id": match.need.public_id}) in content
    assert "Recruter un salarié" in content
    assert timezone.localtime(match.sent_at).strftime("%d/%m/%Y") in content  # shown on the French clock
    assert "Équipe RH CCI Lyon" in content


@pytest.mark.parametrize(("days", "tab"), [(44, "nouveaux"), (45, "expires")])
def test_a_waiting_match_expires_45_days_after_it_was_sent(client, agent, team, days, tab):
    sent = timezone.now()
    match = MatchFactory(expert=team, status=MatchStatus.QUO, sent_at=sent)
    with time_machine.travel(sent + timedelta(days=days), tick=False):
        client.force_login(agent)
        response = client.get(INBOX, {"onglet": tab})
    assert tab_counts(response)[tab] == 1
    assert list(response.context["page_obj"]) == [match]


@pytest.mark.parametrize(
    "query",
    ["soierie", "12345678900012", "Rivoire", "camille rivoire", "maintenance"],
)
def test_search_by_company_siret_contact_or_subject(client, agent, team, query):
    establishment = EstablishmentFactory(
        siret="12345678900012", company=CompanyFactory(siren="123456789", name="ATELIER SOIERIE")
    )
    need = NeedFactory(
        diagnosis=DiagnosisFactory(
            establishment=establishment, solicitation=SolicitationFactory(first_name="Camille", last_name="Rivoire")
        ),
        subject=SubjectFactory(label="Techniciens de maintenance"),
    )
    wanted = MatchFactory(need=need, expert=team, sent_at=timezone.now())
    received(team, company="BOULANGERIE DU PARC", subject="Financer un four", first_name="Léa", last_name="Martin")
    client.force_login(agent)
    response = client.get(INBOX, {"q": query})
    assert list(response.context["page_obj"]) == [wanted]
    assert tab_counts(response)["nouveaux"] == 1


def test_search_without_result_says_so(client, agent, team):
    received(team)
    client.force_login(agent)
    content = client.get(INBOX, {"q": "introuvable"}).content.decode()
    assert "Aucun besoin ne correspond à « introuvable »" in content


def test_pagination(client, agent, team):
    for _ in range(23):
        MatchFactory(expert=team, sent_at=timezone.now())
    client.force_login(agent)
    first = client.get(INBOX)
    assert len(first.context["page_obj"]) == 20
    assert 'class="fr-pagination' in first.content.decode()
    second = client.get(INBOX, {"page": 2})
    assert len(second.context["page_obj"]) == 3
    assert not set(first.context["page_obj"]) & set(second.context["page_obj"])


def test_an_agent_sees_only_the_matches_of_their_teams(client, agent, team):
    other = received(ExpertFactory(), company="AUTRE EQUIPE")
    mine = MatchFactory(need=other.need, expert=team, sent_at=timezone.now())
    client.force_login(agent)
    response = client.get(INBOX)
    assert list(response.context["page_obj"]) == [mine]
    assert tab_counts(response)["nouveaux"] == 1
    client.force_login(other.expert.users.get())
    assert list(client.get(INBOX).context["page_obj"]) == [other]


def test_an_agent_of_several_teams_sees_all_their_matches(client, agent, team):
    second_team = ExpertFactory(users=[agent])
    received(team)
    received(second_team)
    client.force_login(agent)
    assert tab_counts(client.get(INBOX))["nouveaux"] == 2


@pytest.mark.parametrize("tab", ["nouveaux", "pris-en-charge", "clotures"])
def test_query_count_does_not_grow_with_the_needs(client, agent, team, django_assert_max_num_queries, tab):
    statuses = [MatchStatus.QUO, MatchStatus.TAKING_CARE, MatchStatus.DONE]

    def receive(count):
        for index in range(count):
            received(team, company=f"ENTREPRISE {index}", status=statuses[index % 3], days_ago=index % 40)

    client.force_login(agent)
    receive(3)
    client.get(INBOX)  # warms the per-process caches of the other apps
    # The page makes 4 (teams, tab counts, ids of the page, its rows); the rest is session, user and the middleware
    # and context processors of the other apps.
    with django_assert_max_num_queries(12) as small:
        client.get(INBOX, {"onglet": tab, "q": "entreprise"})
    receive(37)
    with django_assert_max_num_queries(len(small)):
        response = client.get(INBOX, {"onglet": tab, "q": "entreprise"})
    assert len(response.context["page_obj"]) >= 13


def test_header_links_to_the_inbox_for_agents_only(client, agent, team):
    client.force_login(agent)
    assert INBOX in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(UserFactory())
    assert INBOX not in client.get(reverse("accounts:profile")).content.decode()
