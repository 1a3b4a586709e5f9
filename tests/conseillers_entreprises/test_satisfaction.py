import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from relais.conseillers_entreprises.enums import MatchStatus, NeedStatus
from relais.conseillers_entreprises.models import SatisfactionAnswer
from relais.conseillers_entreprises.services import close, take_charge
from relais.conseillers_entreprises.services.satisfaction import satisfaction_url, send_satisfaction_emails
from tests.accounts.factories import UserFactory

from .factories import DiagnosisFactory, ExpertFactory, MatchFactory, NeedFactory, SolicitationFactory, SubjectFactory

pytestmark = pytest.mark.django_db

CLOSED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANSWER = {"called_back": "oui", "useful": "non", "comment": "Rappel rapide, mais pas d’aide adaptée."}


@pytest.fixture
def support():
    group = Group.objects.create(name="Équipe support Conseillers-Entreprises")
    group.permissions.add(Permission.objects.get(codename="triage_solicitation"))
    user = UserFactory()
    user.groups.add(group)
    return user


@pytest.fixture
def agent():
    return UserFactory(email="agent.cci@cci.fr")


@pytest.fixture
def need(agent):
    solicitation = SolicitationFactory(first_name="Camille", last_name="Rivoire", email="camille.rivoire@soierie.fr")
    need = NeedFactory(
        diagnosis=DiagnosisFactory(solicitation=solicitation),
        subject=SubjectFactory(label="Recruter un ou plusieurs salariés"),
        status=NeedStatus.QUO,
    )
    match = MatchFactory(need=need, expert=ExpertFactory(users=[agent]), status=MatchStatus.QUO, sent_at=CLOSED)
    with time_machine.travel(CLOSED, tick=False):
        take_charge(match=match, actor=agent)
        close(match=match, actor=agent, outcome=MatchStatus.DONE)
    mail.outbox.clear()
    return need


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_survey_email_10_days_after_help_once(need, django_capture_on_commit_callbacks):
    with time_machine.travel(CLOSED + timedelta(days=9, hours=23), tick=False):
        assert send_satisfaction_emails() == []
    with time_machine.travel(CLOSED + timedelta(days=10), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert len(send_satisfaction_emails()) == 1
        assert send_satisfaction_emails() == []
    assert [message.to for message in mail.outbox] == [["camille.rivoire@soierie.fr"]]
    assert mail.outbox[0].subject == "Fin du suivi de votre demande « Recruter un ou plusieurs salariés »"
    assert "/satisfaction/" in mail.outbox[0].body


def test_no_survey_without_help_proposed(agent, django_capture_on_commit_callbacks):
    need = NeedFactory(status=NeedStatus.QUO)
    match = MatchFactory(need=need, expert=ExpertFactory(users=[agent]), sent_at=CLOSED)
    with time_machine.travel(CLOSED, tick=False):
        take_charge(match=match, actor=agent)
        close(match=match, actor=agent, outcome=MatchStatus.DONE_NO_HELP)
    with time_machine.travel(CLOSED + timedelta(days=10), tick=False):
        assert send_satisfaction_emails() == []


def test_link_works_once_then_thanks(client, need):
    with time_machine.travel(CLOSED + timedelta(days=10), tick=False):
        path = path_of(satisfaction_url(need=need))
    with time_machine.travel(CLOSED + timedelta(days=20), tick=False):
        response = client.get(path)
        assert response.status_code == 200
        assert "Un conseiller vous a-t-il rappelé ?" in response.text
        response = client.post(path, ANSWER)
        assert response.status_code == 302
        # The link reused, or a double submit, records nothing more.
        client.post(path, {**ANSWER, "useful": "oui"})
        response = client.get(path)
    assert "Merci pour votre réponse" in response.text
    answer = SatisfactionAnswer.objects.get()
    assert (answer.need, answer.called_back, answer.useful) == (need, True, False)
    assert answer.comment == ANSWER["comment"]


def test_missing_answer_keeps_the_comment(client, need):
    path = path_of(satisfaction_url(need=need))
    response = client.post(path, {"called_back": "oui", "comment": "Mon commentaire"})
    assert response.status_code == 200
    assert "Indiquez si cet échange vous a été utile." in response.text
    assert "Mon commentaire" in response.text
    assert not SatisfactionAnswer.objects.exists()


def test_expired_and_tampered_links(client, need):
    with time_machine.travel(CLOSED + timedelta(days=10), tick=False):
        path = path_of(satisfaction_url(need=need))
    with time_machine.travel(CLOSED + timedelta(days=71), tick=False):
        response = client.get(path)
        assert response.status_code == 410
        assert "Ce lien a expiré" in response.text
        assert client.post(path, ANSWER).status_code == 410
    assert client.get(re.sub(r"/([^/]+)/$", r"/\1x/", path)).status_code == 404
    assert not SatisfactionAnswer.objects.exists()


def test_support_shares_an_answer_with_the_experts(client, support, agent, need):
    answer = SatisfactionAnswer.objects.create(need=need, called_back=True, useful=True, comment="Très utile, merci.")
    need_url = reverse("conseillers_entreprises:need", kwargs={"public_id": need.public_id})
    client.force_login(agent)
    assert "Très utile, merci." not in client.get(need_url).text
    client.force_login(support)
    response = client.get(reverse("conseillers_entreprises:satisfaction_answers"))
    assert "Très utile, merci." in response.text
    client.post(reverse("conseillers_entreprises:satisfaction_share", kwargs={"public_id": answer.public_id}))
    answer.refresh_from_db()
    assert answer.shared_with_experts and answer.shared_by == support
    client.force_login(agent)
    response = client.get(need_url)
    assert "Avis de l’entreprise" in response.text
    assert "Très utile, merci." in response.text


def test_answers_are_for_support_only(client, agent, need):
    answer = SatisfactionAnswer.objects.create(need=need, called_back=True, useful=True)
    client.force_login(agent)
    assert client.get(reverse("conseillers_entreprises:satisfaction_answers")).status_code == 403
    share_url = reverse("conseillers_entreprises:satisfaction_share", kwargs={"public_id": answer.public_id})
    assert client.post(share_url).status_code == 403
    answer.refresh_from_db()
    assert not answer.shared_with_experts
