"""Filing a request through the API: the public form's cleaning and the site's filing service, nothing else.

The JSON body is turned into the form's data and cleaned by `SolicitationForm` (SIRET checked against the
registry, description not the guidance alone, phone, email and spam list, answers, terms), then filed by
`filing.submit_solicitation` with the source "API". The `Idempotency-Key` makes a retry return the request the
first call made: the key gives the solicitation's submission token (the same mechanism as the form's double-click
guard), and a record remembers what the key was sent with, so that the same key with another body is refused.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass

from relais.conseillers_entreprises.enums import SolicitationSource
from relais.conseillers_entreprises.forms.public import QUESTION_PREFIX, TRACKING_FIELDS, SolicitationForm
from relais.conseillers_entreprises.models import Landing, Solicitation, Subject
from relais.conseillers_entreprises.services import filing
from relais.conseillers_entreprises.services.landings import offered_subjects

from ..errors import ApiError
from ..models import ApiKey, IdempotencyRecord

# Fixed forever: changing it would let a retried key file a second request.
IDEMPOTENCY_NAMESPACE = uuid.UUID("6f0c6f7e-3a59-4b8e-9a43-7c1d0f5e2b11")
MAX_IDEMPOTENCY_KEY_LENGTH = 255
# Form fields → names of the JSON body, for the errors' `source`.
SOURCES = {"terms_accepted": "terms_accepted", "origin_url": "origin_url", "__all__": None}


@dataclass(frozen=True)
class Filed:
    solicitation: Solicitation
    created: bool


def fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _form_data(payload: dict, *, token: uuid.UUID, subject: Subject) -> dict:
    data = {
        "description": payload["description"],
        "siret": payload["siret"],
        "first_name": payload["first_name"],
        "last_name": payload["last_name"],
        "phone": payload["phone"],
        "email": payload["email"],
        "origin_url": payload.get("origin_url") or "",
        "submission_token": str(token),
        "website": "",
    }
    if payload["terms_accepted"]:
        data["terms_accepted"] = "on"
    for key, answer in (payload.get("questions") or {}).items():
        data[QUESTION_PREFIX + key] = "oui" if answer else "non"
    for name in TRACKING_FIELDS:
        data[name] = ((payload.get("tracking") or {}).get(name)) or ""
    return data


def _source(field: str) -> str | None:
    if field.startswith(QUESTION_PREFIX):
        return "questions." + field.removeprefix(QUESTION_PREFIX)
    if field in TRACKING_FIELDS:
        return "tracking." + field
    return SOURCES.get(field, field)


def _form_errors(form: SolicitationForm) -> list[dict]:
    return [
        {"source": _source(field), "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]


def _target(key: ApiKey, payload: dict) -> tuple[Landing, Subject]:
    # Slugs are unique: get() looks each row up without the listing order offered_subjects() carries.
    unknown_landing = ApiError(422, "Aucune de vos pages d’accueil n’a cet identifiant.", source="landing")
    institution_id = key.partner.institution_id
    if institution_id is None:  # a partner of the open data only: no landing of its own
        raise unknown_landing
    try:
        landing = Landing.objects.get(slug=payload["landing"], is_active=True, institution_id=institution_id)
    except Landing.DoesNotExist:
        raise unknown_landing from None
    if landing.is_paused:
        raise ApiError(409, "Cette page d’accueil est en pause : elle n’accepte pas de demande.", source="landing")
    try:
        subject = offered_subjects(landing).prefetch_related("questions").get(slug=payload["subject"])
    except Subject.DoesNotExist:
        raise ApiError(422, "Ce sujet n’est pas proposé sur cette page d’accueil.", source="subject") from None
    return landing, subject


def _unknown_questions(subject: Subject, payload: dict) -> list[dict]:
    keys = {question.key for question in subject.questions.all()}
    return [
        {"source": f"questions.{name}", "message": "Ce sujet ne pose pas cette question."}
        for name in payload.get("questions") or {}
        if name not in keys
    ]


def _conflict() -> ApiError:
    return ApiError(
        409,
        "Cette clé d’idempotence a déjà servi pour une autre demande : utilisez une nouvelle clé par demande.",
        source="Idempotency-Key",
    )


def _remember(key: ApiKey, idempotency_key: str, print_: str, solicitation: Solicitation) -> None:
    """Record what the key was sent with, for a request filed without its record (before records were written in
    the filing's transaction); a concurrent retry may have written it already."""
    IdempotencyRecord.objects.bulk_create(
        [IdempotencyRecord(partner=key.partner, key=idempotency_key, fingerprint=print_, solicitation=solicitation)],
        ignore_conflicts=True,
    )


def file_solicitation(*, key: ApiKey, payload: dict, idempotency_key: str) -> Filed:
    """File the request the payload describes, once per idempotency key.

    The first call files; a retry finds the same submission token, so the filing service returns the request it
    made, and the record of the key tells whether the retry carried the same content (else 409). No lookup before
    filing: a retry is rare, the first call is not.
    """
    idempotency_key = idempotency_key.strip()
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH or "\x00" in idempotency_key:
        raise ApiError(
            400, "L’en-tête Idempotency-Key doit contenir de 1 à 255 caractères imprimables.", source="Idempotency-Key"
        )
    print_ = fingerprint(payload)
    landing, subject = _target(key, payload)
    token = uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{key.partner_id}:{idempotency_key}")
    questions = list(subject.questions.all())
    form = SolicitationForm(_form_data(payload, token=token, subject=subject), subject=subject, questions=questions)
    errors = _unknown_questions(subject, payload)
    if not form.is_valid() or errors:
        raise ApiError.from_messages(422, errors + _form_errors(form))

    def record_key(solicitation: Solicitation) -> None:
        # In the filing's transaction: a retry finds both the request and the record, or neither. No other record
        # of this key can exist: the key gives the request's token, and a record goes with its request.
        IdempotencyRecord.objects.create(
            partner=key.partner, key=idempotency_key, fingerprint=print_, solicitation=solicitation
        )

    solicitation, created = filing.submit_solicitation(
        landing=landing,
        subject=subject,
        submission_token=token,
        data=form.filing_data(),
        answers=form.answers(),
        ip="",
        source=SolicitationSource.API,
        on_filed=record_key,
        may_be_draft=False,
    )
    if not created:
        record = IdempotencyRecord.objects.filter(partner=key.partner, key=idempotency_key).first()
        if record is None:
            _remember(key, idempotency_key, print_, solicitation)
        elif record.fingerprint != print_:
            raise _conflict()
    return Filed(solicitation, created=created)
