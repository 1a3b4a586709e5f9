"""Satisfaction survey: ten days after an expert first proposed help on a need, the company is asked whether it
was called back and whether it was useful, through a signed link that works once.

The link carries only the need, signed with a salt of its own (no other token of the platform opens it) and
expires; the company answers without an account. Support reads the answers and may share one with the experts
of the need, who see it on the need's page.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.privacy.services.objections import objected

from ..enums import CompanyEmailKind, MatchStatus
from ..models import MatchStatusChange, Need, SatisfactionAnswer
from .followup import Sent, company_email_candidates, send_company_email

SATISFACTION_SALT = "relais.conseillers_entreprises.satisfaction"
# The processing a company may object to (privacy registry, conseillers_entreprises/privacy.py).
SATISFACTION_SURVEYS = "ce-enquetes-satisfaction"
SATISFACTION_LINK_MAX_AGE = timedelta(days=60)
SATISFACTION_DELAY = timedelta(days=10)
# A need closed long before the job first ran is not surveyed: the company would no longer remember it.
SATISFACTION_WINDOW = timedelta(days=30)


class LinkExpired(Exception):
    pass


def satisfaction_url(*, need: Need) -> str:
    token = signing.dumps({"need": str(need.public_id)}, salt=SATISFACTION_SALT)
    return settings.SITE_URL + reverse("conseillers_entreprises:satisfaction_survey", kwargs={"token": token})


def need_from_token(token: str) -> Need | None:
    """The need of a survey link; None when it is tampered; LinkExpired when it is too old."""
    try:
        payload = signing.loads(token, salt=SATISFACTION_SALT, max_age=SATISFACTION_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    return (
        Need.objects.select_related("subject", "diagnosis__solicitation", "diagnosis__establishment__company")
        .filter(public_id=payload.get("need"))
        .first()
    )


def send_satisfaction_emails(*, now: datetime | None = None, dry_run: bool = False) -> list[Sent]:
    now = now or timezone.now()
    needs = (
        company_email_candidates(CompanyEmailKind.SATISFACTION)
        .annotate(
            first_help=Subquery(
                MatchStatusChange.objects.filter(match__need=OuterRef("pk"), to_status=MatchStatus.DONE)
                .order_by("created_at")
                .values("created_at")[:1]
            )
        )
        .filter(first_help__lte=now - SATISFACTION_DELAY, first_help__gt=now - SATISFACTION_DELAY - SATISFACTION_WINDOW)
        .exclude(objected(purpose=SATISFACTION_SURVEYS, email_path="diagnosis__solicitation__email"))
    )
    report = []
    for need in needs:
        email = need.diagnosis.solicitation.email
        if dry_run or send_company_email(
            need=need,
            kind=CompanyEmailKind.SATISFACTION,
            template="conseillers_entreprises/emails/followup_company_satisfaction",
            context={"survey_url": satisfaction_url(need=need)},
        ):
            report.append(Sent(email, f"Enquête de satisfaction — {need.subject} ({need.public_id})"))
    return report


def record_answer(*, need: Need, called_back: bool, useful: bool, comment: str) -> SatisfactionAnswer:
    """Save the company's answer; a second one (link reused, double submit) is refused."""
    if SatisfactionAnswer.objects.filter(need=need).exists():
        raise ValidationError("Vous avez déjà répondu à ce questionnaire : merci !")
    try:
        with transaction.atomic():
            return SatisfactionAnswer.objects.create(
                need=need, called_back=called_back, useful=useful, comment=comment.strip()
            )
    except IntegrityError as error:
        raise ValidationError("Vous avez déjà répondu à ce questionnaire : merci !") from error


def share_with_experts(*, answer: SatisfactionAnswer, actor: User) -> SatisfactionAnswer:
    with transaction.atomic():
        locked = SatisfactionAnswer.objects.select_for_update(of=("self",)).get(pk=answer.pk)
        if not locked.shared_with_experts:
            locked.shared_with_experts = True
            locked.shared_at = timezone.now()
            locked.shared_by = actor
            locked.save(update_fields=["shared_with_experts", "shared_at", "shared_by"])
    answer.refresh_from_db()
    return answer
