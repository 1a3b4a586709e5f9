"""The company's follow-up page, opened from the signed link of its emails."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from relais.conseillers_entreprises.enums import NeedStatus, ReminderBasket, SolicitationAction
from relais.conseillers_entreprises.models import Landing
from relais.conseillers_entreprises.services import take_charge
from relais.conseillers_entreprises.services.company_followup import followup_url, solicitation_from_token
from relais.conseillers_entreprises.services.filing import FilingData, submit_solicitation
from relais.conseillers_entreprises.services.followup import basket_needs
from relais.notifications.models import Email
from tests.accounts.factories import UserFactory

from .factories import (
    AntenneFactory,
    ExpertFactory,
    InstitutionFactory,
    MatchFactory,
    SolicitationFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 9:00 in Paris: five working days later is Monday 9 March.
SENT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def path_of(url: str) -> str:
    return url.split("testserver", 1)[-1].removeprefix("http://localhost:8000")


@pytest.fixture
def followed(need):
    for match in need.matches.all():
        match.sent_at = SENT
        match.save()
    return need


def page(client, need):
    return client.get(path_of(followup_url(solicitation=need.diagnosis.solicitation)))


def test_link_shows_the_request_and_needs_without_an_account(client, followed):
    response = page(client, followed)
    assert response.status_code == 200
    text = response.text
    assert "Suivi de votre demande" in text
    assert "Recruter un ou plusieurs salariés" in text
    assert "En attente de réponse" in text
    assert "Votre conseiller" not in text


def test_tampered_or_unknown_link_opens_nothing(client, followed):
    url = path_of(followup_url(solicitation=followed.diagnosis.solicitation))
    assert client.get(url[:-3] + "abc/").status_code == 404
    draft = SolicitationFactory(status="draft")
    assert solicitation_from_token(followup_url(solicitation=draft).rstrip("/").rsplit("/", 1)[1]) is None


def test_advisor_who_took_charge_is_shown_with_contact_details(client, followed):
    institution = InstitutionFactory(name="CCI Lyon Métropole")
    agent = UserFactory(first_name="Nadia", last_name="Berger", email="nadia.berger@cci.fr", phone="+33478123456")
    match = MatchFactory(
        need=followed,
        expert=ExpertFactory(name="Pôle entreprises", antenne=AntenneFactory(institution=institution), users=[agent]),
        sent_at=SENT,
    )
    with time_machine.travel(SENT + timedelta(days=1), tick=False):
        take_charge(match=match, actor=agent)
    text = page(client, followed).text
    assert "Votre conseiller" in text
    assert "Nadia Berger" in text and "CCI Lyon Métropole" in text
    assert '<a href="tel:+33478123456">04 78 12 34 56</a>' in text
    assert "nadia.berger@cci.fr" in text
    assert "03/03/2026" in text


def test_taken_charge_email_names_the_advisor_and_links_the_followup_page(followed, django_capture_on_commit_callbacks):
    agent = UserFactory(first_name="Nadia", last_name="Berger", email="nadia.berger@cci.fr", phone="+33478123456")
    match = MatchFactory(need=followed, expert=ExpertFactory(users=[agent]), sent_at=SENT)
    with django_capture_on_commit_callbacks(execute=True):
        take_charge(match=match, actor=agent)
    (sent,) = [message for message in mail.outbox if message.to == ["camille.rivoire@soierie.fr"]]
    assert sent.subject == "Prise en charge de votre demande « Recruter un ou plusieurs salariés »"
    assert "Nadia Berger" in sent.body and "04 78 12 34 56" in sent.body and "nadia.berger@cci.fr" in sent.body
    assert "/demande/suivi/" in sent.body


def test_not_contacted_is_offered_after_five_working_days_and_fills_the_basket(client, followed):
    with time_machine.travel(datetime(2026, 3, 6, 12, 0, tzinfo=UTC), tick=False):
        assert "Je n’ai pas été contacté(e)" not in page(client, followed).text
        response = client.post(
            path_of(followup_url(solicitation=followed.diagnosis.solicitation)), {"besoin": str(followed.public_id)}
        )
        followed.refresh_from_db()
        assert followed.not_contacted_at is None
    with time_machine.travel(datetime(2026, 3, 9, 12, 0, tzinfo=UTC), tick=False):
        url = path_of(followup_url(solicitation=followed.diagnosis.solicitation))
        assert "Je n’ai pas été contacté(e)" in client.get(url).text
        response = client.post(url, {"besoin": str(followed.public_id)}, follow=True)
        assert "l’équipe du service relance les conseillers" in response.text
        client.post(url, {"besoin": str(followed.public_id)})
        followed.refresh_from_db()
        assert followed.not_contacted_at is not None
        assert list(basket_needs(ReminderBasket.NOT_CONTACTED)) == [followed]
        assert followed.diagnosis.solicitation.events.filter(action=SolicitationAction.NOT_CONTACTED).count() == 1


def test_not_contacted_is_not_offered_once_the_need_is_closed(client, followed):
    followed.status = NeedStatus.DONE
    followed.save()
    with time_machine.travel(datetime(2026, 3, 20, 12, 0, tzinfo=UTC), tick=False):
        assert "Je n’ai pas été contacté(e)" not in page(client, followed).text


def test_confirmation_email_carries_the_followup_link():
    solicitation, _ = submit_solicitation(
        landing=Landing.objects.create(slug="accueil", title="Accueil"),
        subject=SubjectFactory(),
        submission_token=uuid.uuid4(),
        data=FilingData(
            description="Nous cherchons un apprenti boulanger pour septembre.",
            first_name="Karim",
            last_name="Benali",
            phone="+33612345678",
            email="karim@boulangerie.fr",
        ),
        answers={},
        ip="127.0.0.1",
    )
    (email,) = [email for email in Email.objects.all() if email.to == ["karim@boulangerie.fr"]]
    token = email.text_body.split("/demande/suivi/")[1].split("/")[0]
    assert solicitation_from_token(token) == solicitation
