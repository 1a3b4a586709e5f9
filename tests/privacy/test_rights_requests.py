"""« Exercer mes droits » and the DPO's queue: a company contact asks for their data and receives it."""

import datetime
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from relais.conseillers_entreprises.models import Diagnosis, NewsletterSubscription, Solicitation
from relais.privacy.enums import RequestEventKind, RequestStatus
from relais.privacy.models import AuditEntry, DataRightsRequest, ProcessingObjection
from relais.privacy.services import rights_requests
from tests.conseillers_entreprises.factories import DiagnosisFactory, NeedFactory, SolicitationFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
EMAIL = "camille.rivoire@soierie.fr"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def proof() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("carte-identite.png", buffer.getvalue(), content_type="image/png")


def form_data(**overrides) -> dict:
    return {
        "submission_token": str(uuid.uuid4()),
        "right": "access",
        "service": "conseillers-entreprises",
        "name": "Camille Rivoire",
        "email": EMAIL,
        "details": "J’ai déposé une demande en 2024 : je souhaite une copie de mes données.",
        "identity_proof": proof(),
        **overrides,
    }


@pytest.fixture
def company_contact():
    solicitation = SolicitationFactory(email=EMAIL, first_name="Camille", last_name="Rivoire", phone="0478000000")
    NeedFactory(diagnosis=DiagnosisFactory(solicitation=solicitation), content="Recruter deux techniciens.")
    NewsletterSubscription.objects.create(email=EMAIL, confirmed_at=solicitation.submitted_at)
    return solicitation


def submit(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/donnees-personnelles/exercer-mes-droits/", form_data(**overrides))


def test_the_form_records_the_request_and_acknowledges_it(client, django_capture_on_commit_callbacks):
    response = submit(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    rights_request = DataRightsRequest.objects.get()
    assert (rights_request.right, rights_request.email, rights_request.status) == ("access", EMAIL, "received")
    assert rights_request.due_at == rights_request.received_at + relativedelta(months=1)
    assert rights_request.identity_proof.name.startswith("privacy/identity/")
    assert "carte-identite" not in rights_request.identity_proof.name
    recipients = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert recipients[0][0] == EMAIL and rights_request.reference in recipients[0][1]
    assert recipients[1][0] == "dpo@relais.beta.gouv.fr" and "Nouvelle demande" in recipients[1][1]
    page = client.get(response["Location"]).content.decode()
    assert rights_request.reference in page
    assert AuditEntry.objects.filter(object_label=rights_request.reference).exists()


def test_a_double_submit_creates_one_request(client, django_capture_on_commit_callbacks):
    token = str(uuid.uuid4())
    submit(client, django_capture_on_commit_callbacks, submission_token=token)
    submit(client, django_capture_on_commit_callbacks, submission_token=token)
    assert DataRightsRequest.objects.count() == 1


def test_errors_are_shown_in_french_and_the_text_is_kept(client):
    response = client.post(
        "/donnees-personnelles/exercer-mes-droits/",
        form_data(email="pas-une-adresse", identity_proof=SimpleUploadedFile("x.txt", b"texte")),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Erreur :" in content
    assert "Indiquez une adresse électronique valide" in content
    assert "Le fichier doit être au format PDF, PNG ou JPEG" in content
    assert "je souhaite une copie de mes données" in content
    assert not DataRightsRequest.objects.exists()


def test_the_honeypot_and_the_limits_hold_robots_back(client, django_capture_on_commit_callbacks):
    submit(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert not DataRightsRequest.objects.exists()
    for _ in range(2):
        submit(client, django_capture_on_commit_callbacks)
    assert submit(client, django_capture_on_commit_callbacks).status_code == 429
    assert DataRightsRequest.objects.count() == 2
    cache.clear()
    # Per address too: the same address from another IP is held back after three requests.
    for index in range(3):
        submit(client, django_capture_on_commit_callbacks, REMOTE_ADDR=f"10.0.0.{index}")
    response = client.post("/donnees-personnelles/exercer-mes-droits/", form_data(), REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429


@pytest.fixture
def received(client, django_capture_on_commit_callbacks, company_contact):
    submit(client, django_capture_on_commit_callbacks)
    return DataRightsRequest.objects.get()


def test_access_request_end_to_end(received, dpo, django_capture_on_commit_callbacks):
    client = logged_in(dpo)
    page = client.get(f"/donnees-personnelles/demandes/{received.public_id}/").content.decode()
    assert "Vérifier l’identité" in page and "Camille Rivoire" in page
    proof_response = client.get(f"/donnees-personnelles/demandes/{received.public_id}/justificatif/")
    assert proof_response.status_code == 200 and proof_response["Cache-Control"] == "private, no-store"

    # Nothing is done for the person before their identity is checked.
    client.post(f"/donnees-personnelles/demandes/{received.public_id}/copie/")
    assert not received.events.filter(kind=RequestEventKind.DATA_EXPORTED).exists()

    client.post(f"/donnees-personnelles/demandes/{received.public_id}/verifier/")
    client.post(f"/donnees-personnelles/demandes/{received.public_id}/copie/")
    assert received.events.filter(kind=RequestEventKind.DATA_EXPORTED).exists()

    answer = client.get(f"/donnees-personnelles/demandes/{received.public_id}/?modele=acces").content.decode()
    assert "Bonjour Camille Rivoire" in answer
    proof_name = DataRightsRequest.objects.get().identity_proof.name
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/donnees-personnelles/demandes/{received.public_id}/repondre/",
            {"outcome": "answered", "answer": "Bonjour Camille Rivoire, voici vos données."},
        )
    closed = DataRightsRequest.objects.get()
    assert closed.status == RequestStatus.ANSWERED and closed.closed_at
    assert not closed.identity_proof
    from django.core.files.storage import default_storage

    assert not default_storage.exists(proof_name)
    [message] = mail.outbox
    assert message.to == [EMAIL] and closed.reference in message.subject
    link = next(line for line in message.body.splitlines() if "/donnees-personnelles/copie/" in line).strip()
    path = link.split("testserver")[-1] if "testserver" in link else link[link.index("/donnees-personnelles/") :]

    # The person follows the link, without an account: their data, readable and as JSON.
    anonymous = type(client)()
    copy = anonymous.get(path).content.decode()
    assert "Recruter deux techniciens." in copy and "0478000000" in copy
    data = anonymous.get(path, {"format": "json"}).json()
    categories = {section["catégorie"] for section in data["données"]}
    assert {"Vos demandes d’accompagnement", "Votre inscription à la lettre d’information"} <= categories
    assert anonymous.get(path[:-3] + "xyz/").status_code == 404
    assert closed.events.filter(kind=RequestEventKind.EXPORT_DOWNLOADED).exists()


def test_erasure_request_goes_through_the_same_erasers(received, dpo, company_contact):
    client = logged_in(dpo)
    DataRightsRequest.objects.filter(pk=received.pk).update(right="erasure")
    client.post(f"/donnees-personnelles/demandes/{received.public_id}/effacer/", {"confirmation": "1"})
    assert Solicitation.objects.get(pk=company_contact.pk).email == EMAIL, "identity first"
    client.post(f"/donnees-personnelles/demandes/{received.public_id}/verifier/")
    response = client.post(f"/donnees-personnelles/demandes/{received.public_id}/effacer/", follow=True)
    assert "Cochez la case de confirmation" in response.content.decode()
    assert Solicitation.objects.get(pk=company_contact.pk).email == EMAIL
    client.post(f"/donnees-personnelles/demandes/{received.public_id}/effacer/", {"confirmation": "1"})
    solicitation = Solicitation.objects.get(pk=company_contact.pk)
    assert (solicitation.email, solicitation.last_name, solicitation.description) == ("", "", "")
    assert Diagnosis.objects.get(solicitation=solicitation).anonymised_at
    assert not NewsletterSubscription.objects.filter(email=EMAIL).exists()
    # The request itself is kept (proof that it was handled) until its own retention period.
    assert DataRightsRequest.objects.filter(pk=received.pk).exists()


def test_objection_request(received, dpo):
    client = logged_in(dpo)
    client.post(f"/donnees-personnelles/demandes/{received.public_id}/verifier/")
    client.post(
        f"/donnees-personnelles/demandes/{received.public_id}/opposition/", {"slug": "ce-enquetes-satisfaction"}
    )
    assert ProcessingObjection.objects.filter(email=EMAIL, purpose="ce-enquetes-satisfaction").exists()


def test_refusal_without_verified_identity(received, dpo, django_capture_on_commit_callbacks):
    client = logged_in(dpo)
    response = client.post(f"/donnees-personnelles/demandes/{received.public_id}/repondre/", {"outcome": "answered"})
    assert "Écrivez la réponse." in response.content.decode()
    client.post(
        f"/donnees-personnelles/demandes/{received.public_id}/repondre/",
        {"outcome": "answered", "answer": "Voici."},
    )
    assert DataRightsRequest.objects.get().is_open, "an answer needs a verified identity"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/donnees-personnelles/demandes/{received.public_id}/repondre/",
            {"outcome": "rejected", "answer": "Justificatif illisible."},
        )
    assert DataRightsRequest.objects.get().status == RequestStatus.REJECTED


def test_reminders_at_21_and_28_days_and_overdue_flag(received, dpo, django_capture_on_commit_callbacks, capsys):
    start = received.received_at
    mail.outbox.clear()
    for days, expected in ((20, 0), (21, 1), (22, 0), (28, 1), (29, 0)):
        moment = start + datetime.timedelta(days=days, minutes=1)
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            call_command("remind_data_rights_requests")
        assert len(mail.outbox) == expected, days
        if expected:
            assert mail.outbox[0].to == ["dpo@relais.beta.gouv.fr"]
            assert f"depuis {days} jours" in mail.outbox[0].subject
        mail.outbox.clear()
    with time_machine.travel(start + datetime.timedelta(days=20), tick=False):
        content = logged_in(dpo).get("/donnees-personnelles/demandes/").content.decode()
    assert received.reference in content and "fr-badge--error" not in content
    with time_machine.travel(received.due_at + datetime.timedelta(minutes=1), tick=False):
        content = logged_in(dpo).get("/donnees-personnelles/demandes/?onglet=en-retard").content.decode()
    assert received.reference in content and "fr-badge--error" in content


def test_a_late_scheduler_sends_only_the_latest_reminder(received):
    with time_machine.travel(received.received_at + datetime.timedelta(days=29), tick=False):
        sent = rights_requests.send_reminders()
    assert [days for _request, days in sent] == [28]


def test_queue_query_count_does_not_grow(dpo, django_assert_max_num_queries):
    for index in range(30):
        DataRightsRequest.objects.create(
            reference=f"DR-{index}", right="access", service="plateforme", name="X", email=f"x{index}@e.fr", details="."
        )
    client = logged_in(dpo)
    with django_assert_max_num_queries(14):
        assert client.get("/donnees-personnelles/demandes/").status_code == 200
