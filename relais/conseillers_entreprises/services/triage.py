"""Support triage: turn a received solicitation into needs sent to expert teams, or cancel it.

Support stages its changes on the solicitation page (experts unchecked or added, subject changed, request split)
and they take effect together when it transmits; each of them is then logged with its author, so the history
tells what support changed compared with the automatic routing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from relais.accounts.models import User
from relais.notifications.services import queue_email

from ..enums import SolicitationAction, SolicitationStatus
from ..models import CancellationTemplate, Diagnosis, Expert, Solicitation, SolicitationEvent
from .needs import NeedDraft, create_needs_and_notify, validate_drafts

DUPLICATE_WINDOW = timedelta(days=30)
CANCELABLE_STATUSES = (SolicitationStatus.IN_PROGRESS, SolicitationStatus.PROCESSED, SolicitationStatus.CANCELED)


@dataclass
class SolicitationWarnings:
    earlier_same_siret: int = 0
    earlier_same_email: int = 0
    duplicates: list[Solicitation] = field(default_factory=list)

    def __bool__(self):
        return bool(self.earlier_same_siret or self.earlier_same_email or self.duplicates)


def compute_warnings(solicitations: list[Solicitation]) -> dict[int, SolicitationWarnings]:
    """Earlier requests and likely duplicates of each solicitation, in one query whatever their number."""
    warnings = {solicitation.pk: SolicitationWarnings() for solicitation in solicitations}
    sirets = {s.siret for s in solicitations if s.siret}
    emails = {s.email.lower() for s in solicitations if s.email}
    if not sirets and not emails:
        return warnings
    # Emails are compared without case: the same person types "Jean.Dupont@" and "jean.dupont@".
    email_filter = Q()
    for email in emails:
        email_filter |= Q(email__iexact=email)
    others = list(
        Solicitation.objects.filter(Q(siret__in=sirets) | email_filter)
        .exclude(status=SolicitationStatus.DRAFT)
        .only("pk", "public_id", "siret", "email", "status", "submitted_at", "created_at", "first_name", "last_name")
    )
    by_siret = defaultdict(list)
    by_email = defaultdict(list)
    for other in others:
        if other.siret:
            by_siret[other.siret].append(other)
        if other.email:
            by_email[other.email.lower()].append(other)
    for solicitation in solicitations:
        current = warnings[solicitation.pk]
        when = solicitation.submitted_at or solicitation.created_at
        same_siret = [o for o in by_siret.get(solicitation.siret, []) if o.pk != solicitation.pk]
        same_email = [o for o in by_email.get(solicitation.email.lower(), []) if o.pk != solicitation.pk]
        current.earlier_same_siret = sum(1 for o in same_siret if _filed_at(o) < when)
        current.earlier_same_email = sum(1 for o in same_email if _filed_at(o) < when)
        candidates = {o.pk: o for o in same_siret + same_email}
        current.duplicates = sorted(
            (
                o
                for o in candidates.values()
                if o.status == SolicitationStatus.IN_PROGRESS and abs(_filed_at(o) - when) <= DUPLICATE_WINDOW
            ),
            key=_filed_at,
        )
    return warnings


def _filed_at(solicitation: Solicitation):
    return solicitation.submitted_at or solicitation.created_at


def _expert_details(expert: Expert) -> dict:
    return {
        "id": str(expert.public_id),
        "name": expert.name,
        "antenne": expert.antenne.name,
        "institution": expert.antenne.institution.name,
    }


def _log(solicitation: Solicitation, action: SolicitationAction, actor: User | None, **details) -> SolicitationEvent:
    return SolicitationEvent.objects.create(solicitation=solicitation, action=action, author=actor, details=details)


def transmit_solicitation(*, solicitation: Solicitation, needs: list[NeedDraft], actor: User) -> Diagnosis:
    """Create the analysis, its needs and matches, notify each expert team, and mark the solicitation processed."""
    validate_drafts(needs)
    with transaction.atomic():
        locked = Solicitation.objects.select_for_update(of=("self",)).get(pk=solicitation.pk)
        if locked.status != SolicitationStatus.IN_PROGRESS:
            # A second click, or a colleague faster than us: the first transmission stands.
            raise ValidationError(f"Cette demande n’est plus à traiter (statut : {locked.get_status_display()}).")
        now = timezone.now()
        establishment = locked.establishment
        diagnosis = Diagnosis.objects.create(
            solicitation=locked,
            establishment=establishment,
            advisor=actor,
            content=locked.description,
            manager_consent=locked.terms_accepted_at is not None,
            completed_at=now,
        )
        _log_subject_changes(locked, needs, actor)
        transmitted = [
            {
                "subject": draft.subject.label,
                "experts": [_expert_details(expert) for expert in draft.experts],
                "warnings": _log_expert_changes(locked, draft, actor),
            }
            for draft in needs
        ]
        locked.status = SolicitationStatus.PROCESSED
        locked.processed_at = now
        locked.save(update_fields=["status", "processed_at", "updated_at"])
        _log(locked, SolicitationAction.TRANSMITTED, actor, needs=transmitted)
        create_needs_and_notify(
            diagnosis=diagnosis,
            needs=needs,
            sent_at=now,
            template="conseillers_entreprises/emails/triage_expert_needs",
            context=_solicitation_email_context(locked),
        )
    solicitation.refresh_from_db()
    return diagnosis


def _log_subject_changes(solicitation: Solicitation, needs: list[NeedDraft], actor: User) -> None:
    if len(needs) > 1:
        _log(solicitation, SolicitationAction.SPLIT, actor, subjects=[need.subject.label for need in needs])
    elif solicitation.subject_id != needs[0].subject.pk:
        _log(
            solicitation,
            SolicitationAction.SUBJECT_CHANGED,
            actor,
            previous=solicitation.subject.label if solicitation.subject else "",
            new=needs[0].subject.label,
        )


def _log_expert_changes(solicitation: Solicitation, draft: NeedDraft, actor: User) -> dict[str, str]:
    """Log the teams support removed from or added to the routing; return the warnings of the added ones.

    The routing and the warnings come with the draft, computed on the page before the lock is taken.
    """
    kept = draft.routed
    chosen = {expert.pk for expert in draft.experts}
    for expert in kept:
        if expert.pk not in chosen:
            _log(
                solicitation,
                SolicitationAction.EXPERT_REMOVED,
                actor,
                subject=draft.subject.label,
                expert=_expert_details(expert),
            )
    kept_pks = {expert.pk for expert in kept}
    warnings = {}
    for expert in draft.experts:
        if expert.pk in kept_pks:
            continue
        warning = draft.warnings.get(expert.pk, "")
        _log(
            solicitation,
            SolicitationAction.EXPERT_ADDED,
            actor,
            subject=draft.subject.label,
            expert=_expert_details(expert),
            warning=warning,
        )
        if warning:
            warnings[expert.name] = warning
    return warnings


def _solicitation_email_context(solicitation: Solicitation) -> dict:
    establishment = solicitation.establishment
    company = establishment.company if establishment else None
    return {
        "solicitation": solicitation,
        "answers": list(solicitation.answers.select_related("question").order_by("question__position", "question__pk")),
        "establishment": establishment,
        "company": company,
        "company_name": company.name if company else solicitation.full_name,
    }


def cancel_solicitation(*, solicitation: Solicitation, template: CancellationTemplate, actor: User) -> Solicitation:
    """Cancel the request and send the template's email to the company (none when the template has no text)."""
    with transaction.atomic():
        locked = Solicitation.objects.select_for_update(of=("self",)).get(pk=solicitation.pk)
        if locked.status not in CANCELABLE_STATUSES:
            raise ValidationError(f"Cette demande ne peut pas être abandonnée ({locked.get_status_display()}).")
        locked.status = SolicitationStatus.CANCELED
        locked.canceled_at = timezone.now()
        locked.cancellation = template
        locked.save(update_fields=["status", "canceled_at", "cancellation", "updated_at"])
        email_sent = bool(template.email_body.strip() and locked.email)
        _log(
            locked,
            SolicitationAction.CANCELED,
            actor,
            template=template.slug,
            title=template.title,
            email_sent=email_sent,
        )
        if email_sent:
            queue_email(
                to=[locked.email],
                template="conseillers_entreprises/emails/triage_cancellation",
                context=cancellation_email_context(solicitation=locked, template=template),
            )
    solicitation.refresh_from_db()
    return solicitation


def cancellation_email_context(*, solicitation: Solicitation, template: CancellationTemplate) -> dict:
    return {
        "solicitation": solicitation,
        "email_subject": template.email_subject or "Votre demande sur le Service Public Conseillers entreprises",
        "email_body": template.email_body,
    }
