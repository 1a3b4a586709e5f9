import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from relais.conseillers_entreprises.enums import MatchStatus
from relais.conseillers_entreprises.models import NeedComment
from relais.conseillers_entreprises.services import post_comment, refuse
from tests.accounts.factories import UserFactory

from .factories import ExpertFactory, MatchFactory
from .test_positioning import agent

pytestmark = pytest.mark.django_db


def comment_url(need):
    return reverse("conseillers_entreprises:need_comment", kwargs={"public_id": need.public_id})


def test_comment_goes_to_the_other_agents_not_the_author(client, need, matches, django_capture_on_commit_callbacks):
    author = agent(matches[0])
    colleague = UserFactory(email="collegue@cci.fr")
    matches[0].expert.users.add(colleague)
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(comment_url(need), {"body": "Rendez-vous fixé le 12 mars."})
    assert response.status_code == 302
    comment = NeedComment.objects.get()
    assert (comment.need, comment.author, comment.addressed_to_support) == (need, author, False)
    assert sorted(message.to[0] for message in mail.outbox) == ["agent.opco@opco.fr", "collegue@cci.fr"]
    assert all(
        message.subject == "Des nouvelles de l’entreprise ATELIER SOIERIE CROIX-ROUSSE" for message in mail.outbox
    )
    assert all("Rendez-vous fixé le 12 mars." in message.body for message in mail.outbox)
    assert all("/lien/" in message.body for message in mail.outbox)


def test_comment_addressed_to_support(client, need, matches, django_capture_on_commit_callbacks):
    client.force_login(agent(matches[0]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(comment_url(need), {"body": "Besoin plutôt financier.", "addressed_to_support": "on"})
    assert sorted(message.to[0] for message in mail.outbox) == sorted(["agent.opco@opco.fr", settings.SUPPORT_EMAIL])
    assert NeedComment.objects.get().addressed_to_support


def test_teams_that_refused_are_not_told(need, matches, django_capture_on_commit_callbacks):
    refuse(match=matches[1], actor=agent(matches[1]))
    MatchFactory(need=need, expert=ExpertFactory(users=[UserFactory(email="bpi@bpifrance.fr")]))
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(need=need, actor=agent(matches[0]), body="Dossier transmis.")
    assert [message.to for message in mail.outbox] == [["bpi@bpifrance.fr"]]
    assert matches[1].expert.matches.get().status == MatchStatus.NOT_FOR_ME


def test_support_comments_and_is_not_emailed_itself(client, need, support, django_capture_on_commit_callbacks):
    client.force_login(support)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(comment_url(need), {"body": "Merci de rappeler avant vendredi."})
    assert sorted(message.to[0] for message in mail.outbox) == ["agent.cci@cci.fr", "agent.opco@opco.fr"]


def test_double_submit_creates_one_comment(client, need, matches):
    client.force_login(agent(matches[0]))
    client.post(comment_url(need), {"body": "Rappel fait."})
    client.post(comment_url(need), {"body": "Rappel fait."})
    assert NeedComment.objects.count() == 1


def test_empty_comment_keeps_the_form(client, need, matches):
    client.force_login(agent(matches[0]))
    response = client.post(comment_url(need), {"body": "  ", "addressed_to_support": "on"})
    assert response.status_code == 200
    assert "Écrivez un message." in response.content.decode()
    assert NeedComment.objects.count() == 0


def test_antenne_manager_reads_but_does_not_post(client, need, matches):
    manager = UserFactory()
    matches[0].expert.antenne.managers.add(manager)
    client.force_login(manager)
    assert client.post(comment_url(need), {"body": "Bonjour"}).status_code == 403
    assert NeedComment.objects.count() == 0
