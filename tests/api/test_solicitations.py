import uuid

import pytest
from django.db import connection
from django.test import Client

from relais.api.models import IdempotencyRecord
from relais.conseillers_entreprises.enums import MatchStatus, SolicitationSource, SolicitationStatus
from relais.conseillers_entreprises.models import Landing, Solicitation, Subject
from relais.conseillers_entreprises.services import positioning
from relais.notifications.models import Email
from tests.accounts.factories import UserFactory
from tests.api.conftest import filing_payload
from tests.conseillers_entreprises.factories import (
    AntenneFactory,
    DiagnosisFactory,
    ExpertFactory,
    InstitutionFactory,
    MatchFactory,
    NeedFactory,
    SolicitationFactory,
)
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db

URL = "/api/v1/solicitations"
GUIDANCE = object()  # the subject's own guidance, read from the database in the test


def post(client, auth, payload, key=None):
    return client.post(
        URL, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()), **auth
    )


def test_files_a_request_through_the_sites_filing(client, landing, auth, establishment):
    response = post(client, auth, filing_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    solicitation = Solicitation.objects.get()
    assert body["id"] == str(solicitation.public_id)
    assert body["status"] == "in_progress" and body["needs"] == []
    assert solicitation.source == SolicitationSource.API
    assert solicitation.landing == landing and solicitation.subject.slug == "recruter"
    assert solicitation.siret == "41816609600069" and solicitation.phone == "+33612345678"
    assert solicitation.establishment == establishment
    assert solicitation.origin_url == "https://mon-entreprise.urssaf.fr/simulateurs/embauche"
    assert solicitation.tracking == {"mtm_campaign": "printemps"}
    answers = {a.question.key: a.answer for a in solicitation.answers.select_related("question")}
    assert answers["recrutement_premier"] is True and answers["recrutement_identifie"] is False
    email = Email.objects.get()
    assert email.to == ["claire@boulangerie-martin.fr"]
    assert email.subject == "Confirmation de votre demande « Recruter un ou plusieurs salariés »"


def test_same_idempotency_key_returns_the_first_request(client, landing, auth):
    first = post(client, auth, filing_payload(), key="commande-42")
    again = post(client, auth, filing_payload(), key="commande-42")
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Solicitation.objects.count() == 1 and Email.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="deux transactions simultanées demandent PostgreSQL")
def test_two_simultaneous_calls_with_the_same_key_file_one_request(landing, auth):
    def call():
        return post(Client(), auth, filing_payload(), key="commande-simultanee").status_code

    statuses = run_at_once(call, call)
    assert sorted(statuses) == [200, 201]
    assert Solicitation.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    assert Email.objects.count() == 1


def test_same_idempotency_key_with_another_body_is_409(client, landing, auth):
    post(client, auth, filing_payload(), key="commande-42")
    response = post(client, auth, filing_payload(first_name="Paul"), key="commande-42")
    assert response.status_code == 409
    assert response.json()["errors"][0]["source"] == "Idempotency-Key"
    assert Solicitation.objects.count() == 1


def test_idempotency_keys_are_per_partner(client, landing, auth, other_partner):
    post(client, auth, filing_payload(), key="commande-42")
    Landing.objects.filter(slug="cci-les-aides-fr").update()
    response = post(client, other_partner, filing_payload(landing="cci-les-aides-fr"), key="commande-42")
    assert response.status_code == 201
    assert IdempotencyRecord.objects.count() == 2


def test_idempotency_key_header_is_required(client, landing, auth):
    response = client.post(URL, filing_payload(), content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"source": "Idempotency-Key", "message": "Ce champ est obligatoire."}]


@pytest.mark.parametrize(
    ("overrides", "source", "message"),
    [
        ({"siret": "12345678901234"}, "siret", "SIRET"),
        ({"description": GUIDANCE}, "description", "propres mots"),
        ({"description": "Trop court."}, "description", "trop courte"),
        ({"phone": "123"}, "phone", "numéro de téléphone valide"),
        ({"email": "pas-une-adresse"}, "email", "adresse électronique valide"),
        ({"terms_accepted": False}, "terms_accepted", "conditions générales"),
        ({"questions": {"recrutement_premier": True}}, "questions.recrutement_identifie", "oui ou par non"),
        ({"origin_url": "javascript:alert(1)"}, "origin_url", "https://"),
        ({"tracking": {"utm_source": "x"}}, "tracking.utm_source", "pas attendu"),
        ({"subject": "inconnu"}, "subject", "pas proposé"),
        ({"landing": "cci-les-aides-fr"}, "landing", "Aucune de vos pages"),
    ],
)
def test_invalid_fields_are_422_with_their_source(client, landing, auth, other_partner, overrides, source, message):
    if overrides.get("description") is GUIDANCE:
        overrides = {"description": Subject.objects.get(slug="recruter").guidance}
    response = post(client, auth, filing_payload(**overrides))
    assert response.status_code == 422, response.content
    matching = [error for error in response.json()["errors"] if error["source"] == source]
    assert matching and message in matching[0]["message"], response.json()
    assert not Solicitation.objects.exists()


def test_unknown_question_is_refused(client, landing, auth):
    questions = {**filing_payload()["questions"], "inventee": True}
    response = post(client, auth, filing_payload(questions=questions))
    assert response.status_code == 422
    assert {"source": "questions.inventee", "message": "Ce sujet ne pose pas cette question."} in response.json()[
        "errors"
    ]


def test_missing_field_and_invalid_json(client, landing, auth):
    payload = filing_payload()
    del payload["email"]
    response = post(client, auth, payload)
    assert response.status_code == 422
    assert {"source": "email", "message": "Ce champ est obligatoire."} in response.json()["errors"]
    response = client.post(URL, "{pas du json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k", **auth)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Le corps de la requête n’est pas un JSON valide."


def test_paused_landing_refuses_requests(client, landing, auth):
    Landing.objects.filter(pk=landing.pk).update(is_paused=True)
    response = post(client, auth, filing_payload())
    assert response.status_code == 409
    assert response.json()["errors"][0]["source"] == "landing"


def test_follow_a_request_until_an_advisor_takes_charge(client, landing, auth, other_partner):
    solicitation = Solicitation.objects.get(public_id=post(client, auth, filing_payload()).json()["id"])
    url = f"{URL}/{solicitation.public_id}"
    assert client.get(url, **auth).json()["status"] == "in_progress"
    diagnosis = DiagnosisFactory(solicitation=solicitation)
    need = NeedFactory(diagnosis=diagnosis, subject=solicitation.subject, status="quo")
    agent = UserFactory(first_name="Alex", last_name="Conseiller", email="alex@cci.fr")
    cci = ExpertFactory(antenne=AntenneFactory(institution=InstitutionFactory(name="CCI Lyon")), users=[agent])
    match = MatchFactory(need=need, expert=cci)
    MatchFactory(need=need, expert=ExpertFactory(antenne=AntenneFactory(institution=InstitutionFactory(name="OPCO"))))
    Solicitation.objects.filter(pk=solicitation.pk).update(status=SolicitationStatus.PROCESSED)
    positioning.take_charge(match=match, actor=agent)
    body = client.get(url, **auth).json()
    assert body["status"] == "processed"
    [need_out] = body["needs"]
    assert need_out["status"] == "taking_care" and need_out["subject"]["slug"] == "recruter"
    assert need_out["positions"] == [
        {"institution": "CCI Lyon", "status": MatchStatus.TAKING_CARE, "status_label": "En cours de prise en charge"},
        {"institution": "OPCO", "status": MatchStatus.QUO, "status_label": "En attente de réponse"},
    ]
    assert "alex" not in str(body).lower() and "Conseiller" not in str(body)
    assert client.get(url, **other_partner).status_code == 404


def test_request_filed_elsewhere_is_404(client, landing, auth):
    elsewhere = SolicitationFactory()
    response = client.get(f"{URL}/{elsewhere.public_id}", **auth)
    assert response.status_code == 404
    assert client.get(f"{URL}/pas-un-uuid", **auth).status_code == 422


def test_iframe_request_on_the_partners_landing_is_followed_too(client, landing, auth):
    solicitation = SolicitationFactory(landing=landing, source=SolicitationSource.IFRAME)
    assert client.get(f"{URL}/{solicitation.public_id}", **auth).status_code == 200


def test_nul_characters_are_refused_before_any_query(client, landing, auth):
    response = post(client, auth, filing_payload(landing="ma\x00page"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"source": "landing", "message": "Le caractère nul (\\u0000) n’est pas permis."}
    ]
    response = client.get("/api/v1/landing_subjects", {"landing": "a\x00b"}, **auth)
    assert response.status_code == 422
