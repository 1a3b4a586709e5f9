import pytest
from django.urls import reverse

from relais.conseillers_entreprises.enums import MatchStatus
from relais.conseillers_entreprises.models import MatchStatusChange, SolicitationAnswer, SubjectQuestion
from relais.conseillers_entreprises.services import post_comment, refuse, take_charge
from tests.accounts.factories import UserFactory

from .factories import AntenneFactory, ExpertFactory, MatchFactory
from .test_positioning import agent

pytestmark = pytest.mark.django_db


def page_url(need):
    return reverse("conseillers_entreprises:need", kwargs={"public_id": need.public_id})


def position_url(match):
    return reverse("conseillers_entreprises:match_position", kwargs={"public_id": match.public_id})


@pytest.fixture
def manager(matches):
    user = UserFactory(email="directrice@cci.fr")
    matches[0].expert.antenne.managers.add(user)
    return user


@pytest.fixture
def outsiders():
    """Users who must learn nothing of the need: another antenne's expert and manager, a plain account."""
    other_antenne = AntenneFactory()
    other_manager = UserFactory()
    other_antenne.managers.add(other_manager)
    other_expert = ExpertFactory(antenne=other_antenne).users.get()
    return {"other_expert": other_expert, "other_manager": other_manager, "plain": UserFactory()}


def test_notified_expert_sees_the_whole_need(client, need, matches, support):
    question = SubjectQuestion.objects.create(subject=need.subject, label="Avez-vous déjà recruté en CDI ?")
    SolicitationAnswer.objects.create(solicitation=need.diagnosis.solicitation, question=question, answer=True)
    refuse(match=matches[1], actor=agent(matches[1]), reason="Pas notre territoire")
    post_comment(need=need, actor=agent(matches[1]), body="L’entreprise attend un rappel mardi.")
    client.force_login(agent(matches[0]))
    response = client.get(page_url(need))
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "ATELIER SOIERIE CROIX-ROUSSE",
        "Camille Rivoire",
        "camille.rivoire@soierie.fr",
        "0478000000",
        "Recruter deux techniciens de maintenance.",
        "Avez-vous déjà recruté en CDI ?",
        "Oui",
        matches[1].expert.name,
        "Mise en relation refusée",
        "Pas notre territoire",
        "L’entreprise attend un rappel mardi.",
        need.diagnosis.establishment.company.legal_form_label,
        need.diagnosis.establishment.naf_label,
    ):
        assert text in content, text
    assert content.count('value="take_charge"') == 1
    assert 'value="refuse"' in content
    assert 'value="close"' not in content and 'value="reopen"' not in content


def test_buttons_follow_the_status(client, matches):
    match = matches[0]
    take_charge(match=match, actor=agent(match))
    client.force_login(agent(match))
    content = client.get(page_url(match.need)).content.decode()
    assert 'value="close"' in content and 'value="reopen"' in content
    assert 'value="take_charge"' not in content and 'value="refuse"' not in content
    assert "Entreprise non joignable" in content


@pytest.mark.parametrize("who", ["support", "manager"])
def test_support_and_antenne_manager_see_the_need_without_buttons(client, need, support, manager, who):
    client.force_login({"support": support, "manager": manager}[who])
    response = client.get(page_url(need))
    assert response.status_code == 200
    assert 'value="take_charge"' not in response.content.decode()


@pytest.mark.parametrize("who", ["other_expert", "other_manager", "plain"])
def test_anyone_else_gets_404(client, need, matches, outsiders, who):
    client.force_login(outsiders[who])
    assert client.get(page_url(need)).status_code == 404
    assert client.post(position_url(matches[0]), {"action": "take_charge"}).status_code == 404
    assert matches[0].status == MatchStatus.QUO
    url = reverse("conseillers_entreprises:need_comment", kwargs={"public_id": need.public_id})
    assert client.post(url, {"body": "Bonjour"}).status_code == 404


def test_anonymous_is_sent_to_login(client, need, matches):
    for response in (client.get(page_url(need)), client.post(position_url(matches[0]), {"action": "take_charge"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    matches[0].refresh_from_db()
    assert matches[0].status == MatchStatus.QUO


@pytest.mark.parametrize("who", ["support", "manager", "other_team"])
def test_only_the_team_agents_position_its_match(client, matches, support, manager, who):
    user = {"support": support, "manager": manager, "other_team": agent(matches[1])}[who]
    client.force_login(user)
    assert client.post(position_url(matches[0]), {"action": "take_charge"}).status_code == 404
    matches[0].refresh_from_db()
    assert matches[0].status == MatchStatus.QUO


def test_position_through_the_page(client, matches, django_capture_on_commit_callbacks):
    match = matches[0]
    client.force_login(agent(match))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(position_url(match), {"action": "take_charge"})
    assert response.status_code == 302 and response.url == page_url(match.need)
    match.refresh_from_db()
    assert match.status == MatchStatus.TAKING_CARE
    response = client.post(position_url(match), {"action": "close"}, follow=True)
    assert "Choisissez l’issue de votre intervention." in response.content.decode()
    client.post(position_url(match), {"action": "close", "outcome": MatchStatus.DONE})
    match.refresh_from_db()
    assert match.status == MatchStatus.DONE
    response = client.post(position_url(match), {"action": "refuse"}, follow=True)
    assert "ne peut pas passer de « Aide proposée » à « Mise en relation refusée »" in response.content.decode()
    client.post(position_url(match), {"action": "reopen"})
    client.post(position_url(match), {"action": "refuse", "reason": "Déjà suivie par un collègue"})
    match.refresh_from_db()
    assert match.status == MatchStatus.NOT_FOR_ME
    assert MatchStatusChange.objects.filter(match=match).count() == 4


def test_query_count_does_not_grow_with_matches_changes_and_comments(
    client, need, matches, django_assert_max_num_queries
):
    user = agent(matches[0])
    client.force_login(user)
    client.get(page_url(need))
    with django_assert_max_num_queries(20) as small:
        assert client.get(page_url(need)).status_code == 200
    for _ in range(6):
        match = MatchFactory(need=need)
        take_charge(match=match, actor=agent(match))
        post_comment(need=need, actor=agent(match), body=f"Message de {match.expert.name}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(page_url(need))
    assert response.content.decode().count("Message de ") == 6
