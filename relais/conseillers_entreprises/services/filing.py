"""Public filing of a request by a company, without an account (seeds 000 and 001 §4.1–4.2).

A request is keyed by the `submission_token` generated when the form is rendered: a double submit, or a draft
saved then submitted, always lands on the same row.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from relais.companies.models import Establishment
from relais.companies.registry import EstablishmentResult, RegistryUnavailable, get_registry
from relais.core.ratelimit import RateLimit
from relais.notifications.services import queue_email

from ..enums import SolicitationAction, SolicitationSource, SolicitationStatus
from ..models import (
    BlockedEmail,
    Landing,
    Solicitation,
    SolicitationAnswer,
    SolicitationEvent,
    Subject,
    SubjectQuestion,
)
from .company_followup import followup_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FilingData:
    """What the company typed; already cleaned for a submission, raw (but bounded) for a draft."""

    description: str = ""
    siret: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    origin_url: str = ""
    # Campaign parameters the partner's link or the API call carried (mtm_campaign…); kept only when given.
    tracking: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EstablishmentLookup:
    establishment: EstablishmentResult | None
    # The registry's own French message when it could not answer: the SIRET is accepted on its checksum alone.
    warning: str = ""


def lookup_establishment(*, siret: str) -> EstablishmentLookup:
    try:
        return EstablishmentLookup(get_registry().get_establishment(siret))
    except RegistryUnavailable as error:
        return EstablishmentLookup(None, warning=str(error))


def is_blocked_email(email: str) -> bool:
    """True when the address, or its domain written "@domaine.fr", is on the spam list."""
    email = email.strip().lower()
    domain = "@" + email.rpartition("@")[2]
    return BlockedEmail.objects.filter(pattern__in=[email, domain]).exists()


def intake_limit() -> RateLimit:
    """Filings allowed per IP, from settings.CE_INTAKE_RATE_LIMIT ("5/600"); empty or "0" switches it off."""
    value = str(getattr(settings, "CE_INTAKE_RATE_LIMIT", "") or "").strip()
    match = re.fullmatch(r"(\d+)/(\d+)", value)
    limit, seconds = (int(match.group(1)), int(match.group(2))) if match else (0, 60)
    return RateLimit("ce-intake", limit=limit, seconds=seconds)


def _locked_by_token(token: uuid.UUID) -> Solicitation | None:
    return Solicitation.objects.select_for_update(of=("self",)).filter(submission_token=token).first()


def _save_new_or_existing(solicitation: Solicitation) -> Solicitation | None:
    """Insert the row, or return the one a concurrent request with the same token inserted first."""
    try:
        with transaction.atomic():
            solicitation.save()
    except IntegrityError:
        return Solicitation.objects.get(submission_token=solicitation.submission_token)
    return None


def _apply(
    solicitation: Solicitation,
    *,
    landing: Landing,
    subject: Subject,
    data: FilingData,
    source: SolicitationSource | None = None,
) -> None:
    solicitation.landing = landing
    solicitation.subject = subject
    solicitation.description = data.description
    solicitation.siret = data.siret
    solicitation.first_name = data.first_name
    solicitation.last_name = data.last_name
    solicitation.phone = data.phone
    solicitation.email = data.email
    solicitation.source = source or (SolicitationSource.IFRAME if landing.iframe_allowed else SolicitationSource.SITE)
    if data.origin_url:
        solicitation.origin_url = data.origin_url
    if data.tracking:
        solicitation.tracking = dict(data.tracking)


def _replace_answers(solicitation: Solicitation, answers: dict[SubjectQuestion, bool], *, is_new: bool) -> None:
    if not is_new:
        solicitation.answers.all().delete()
    if not answers:
        return
    SolicitationAnswer.objects.bulk_create(
        SolicitationAnswer(solicitation=solicitation, question=question, answer=answer)
        for question, answer in answers.items()
    )


@transaction.atomic
def submit_solicitation(
    *,
    landing: Landing,
    subject: Subject,
    submission_token: uuid.UUID,
    data: FilingData,
    answers: dict[SubjectQuestion, bool],
    ip: str,
    source: SolicitationSource | None = None,
    on_filed: Callable[[Solicitation], None] | None = None,
    may_be_draft: bool = True,
) -> tuple[Solicitation, bool]:
    """File the request; returns it and whether this call filed it (False: the same token was already sent).

    `source` defaults to the landing's (site or iframe); the API passes its own. An empty `ip` (API calls, held
    back by their key's quota instead) is not counted in the per-IP intake limit. `on_filed` writes what the
    caller keeps of a new filing in the same transaction (the API's record of its idempotency key).
    `may_be_draft=False` says that no draft can hold this token (the API saves none): the request is then inserted
    without looking the token up first, and a retry is recognised by the insert's conflict.
    """
    solicitation = _locked_by_token(submission_token) if may_be_draft else None
    if solicitation is not None and solicitation.status != SolicitationStatus.DRAFT:
        return solicitation, False
    is_new = solicitation is None
    if is_new:
        solicitation = Solicitation(submission_token=submission_token)
    now = timezone.now()
    _apply(solicitation, landing=landing, subject=subject, data=data, source=source)
    solicitation.status = SolicitationStatus.IN_PROGRESS
    solicitation.submitted_at = now
    solicitation.terms_accepted_at = now
    solicitation.establishment = Establishment.objects.filter(siret=data.siret).first()
    if is_new:
        concurrent = _save_new_or_existing(solicitation)
        if concurrent is not None:
            return concurrent, False
    else:
        solicitation.save()
    _replace_answers(solicitation, answers, is_new=is_new)
    SolicitationEvent.objects.create(
        solicitation=solicitation, action=SolicitationAction.SUBMITTED, details={"source": solicitation.source}
    )
    queue_email(
        to=[solicitation.email],
        template="conseillers_entreprises/emails/filing_confirmation",
        context={
            "first_name": solicitation.first_name,
            "subject_label": subject.label,
            "description": solicitation.description,
            "support_email": settings.SUPPORT_EMAIL,
            "followup_url": followup_url(solicitation=solicitation),
        },
    )
    if on_filed is not None:
        on_filed(solicitation)
    intake_limit().hit(ip)
    return solicitation, True


@transaction.atomic
def save_draft(
    *,
    landing: Landing,
    subject: Subject,
    submission_token: uuid.UUID,
    data: FilingData,
    answers: dict[SubjectQuestion, bool],
    ip: str,
) -> tuple[Solicitation, bool]:
    """Keep an unfinished request and email its resume link; returns it and whether it is still a draft."""
    solicitation = _locked_by_token(submission_token)
    if solicitation is not None and solicitation.status != SolicitationStatus.DRAFT:
        return solicitation, False
    is_new = solicitation is None
    previous_email = "" if is_new else solicitation.email
    if is_new:
        solicitation = Solicitation(submission_token=submission_token, status=SolicitationStatus.DRAFT)
    _apply(solicitation, landing=landing, subject=subject, data=data)
    if is_new:
        concurrent = _save_new_or_existing(solicitation)
        if concurrent is not None:
            return concurrent, concurrent.status == SolicitationStatus.DRAFT
        intake_limit().hit(ip)
    else:
        solicitation.save()
    _replace_answers(solicitation, answers, is_new=is_new)
    # A second click on "save" must not send the link twice; a corrected address gets it.
    if solicitation.email != previous_email:
        queue_email(
            to=[solicitation.email],
            template="conseillers_entreprises/emails/filing_resume",
            context={
                "first_name": solicitation.first_name,
                "subject_label": subject.label,
                "resume_path": reverse("conseillers_entreprises:filing_resume", args=[solicitation.public_id]),
            },
        )
    return solicitation, True
