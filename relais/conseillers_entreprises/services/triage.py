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

from relais.notifications.services import queue_email

from ..enums import MatchStatus, NeedStatus, SolicitationAction, SolicitationStatus
from ..models import CancellationTemplate, Diagnosis, Expert, Match, Need, Solicitation, SolicitationEvent, Subject
from .links import need_link_url, need_page_url
from .routing import Routing, explain_expert, route_need

DUPLICATE_WINDOW = timedelta(days=30)
CANCELABLE_STATUSES = (SolicitationStatus.IN_PROGRESS, SolicitationStatus.PROCESSED, SolicitationStatus.CANCELED)
NO_ESTABLISHMENT_WARNING = "Établissement inconnu : ni le territoire ni les critères de l’expert n’ont été vérifiés."


@dataclass(frozen=True)
class NeedDraft:
    """One need as support sets it before transmitting: its subject, its description and the teams to notify."""

    subject: Subject
    description: str
    experts: list[Expert]


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


def routing_for(*, subject: Subject, establishment) -> Routing | None:
    """The routing of a need, or None when the establishment is unknown (routing needs its territory)."""
    if establishment is None:
        return None
    return route_need(subject=subject, establishment=establishment, explain=True)


def expert_warning(*, expert: Expert, subject: Subject, establishment) -> str:
    """Why routing would not have chosen this expert ("" when it would have)."""
    if establishment is None:
        return NO_ESTABLISHMENT_WARNING
    exclusion = explain_expert(expert=expert, subject=subject, establishment=establishment)
    return exclusion.reason if exclusion else ""


def _expert_details(expert: Expert) -> dict:
    return {
        "id": str(expert.public_id),
        "name": expert.name,
        "antenne": expert.antenne.name,
        "institution": expert.antenne.institution.name,
    }


def _log(solicitation: Solicitation, action: SolicitationAction, author, **details) -> SolicitationEvent:
    return SolicitationEvent.objects.create(solicitation=solicitation, action=action, author=author, details=details)


def validate_drafts(needs: list[NeedDraft]) -> None:
    if not needs:
        raise ValidationError("Indiquez au moins un besoin.")
    for position, need in enumerate(needs, start=1):
        if not need.experts:
            raise ValidationError(f"Besoin {position} (« {need.subject} ») : cochez au moins un expert.")


def transmit_solicitation(*, solicitation: Solicitation, needs: list[NeedDraft], author) -> Diagnosis:
    """Create the analysis, its needs and matches, notify each expert team, and mark the solicitation processed."""
    validate_drafts(needs)
    with transaction.atomic():
        locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
        if locked.status != SolicitationStatus.IN_PROGRESS:
            # A second click, or a colleague faster than us: the first transmission stands.
            raise ValidationError(f"Cette demande n’est plus à traiter (statut : {locked.get_status_display()}).")
        now = timezone.now()
        establishment = locked.establishment
        diagnosis = Diagnosis.objects.create(
            solicitation=locked,
            establishment=establishment,
            advisor=author,
            content=locked.description,
            manager_consent=locked.terms_accepted_at is not None,
            completed_at=now,
        )
        _log_subject_changes(locked, needs, author)
        transmitted = [
            {
                "subject": draft.subject.label,
                "experts": [_expert_details(expert) for expert in draft.experts],
                "warnings": _log_expert_changes(locked, draft, author),
            }
            for draft in needs
        ]
        locked.status = SolicitationStatus.PROCESSED
        locked.processed_at = now
        locked.save(update_fields=["status", "processed_at", "updated_at"])
        _log(locked, SolicitationAction.TRANSMITTED, author, needs=transmitted)
        create_needs_and_notify(
            diagnosis=diagnosis,
            needs=needs,
            sent_at=now,
            template="conseillers_entreprises/emails/triage_expert_needs",
            context=_solicitation_email_context(locked),
        )
    solicitation.refresh_from_db()
    return diagnosis


def _log_subject_changes(solicitation: Solicitation, needs: list[NeedDraft], author) -> None:
    if len(needs) > 1:
        _log(solicitation, SolicitationAction.SPLIT, author, subjects=[need.subject.label for need in needs])
    elif solicitation.subject_id != needs[0].subject.pk:
        _log(
            solicitation,
            SolicitationAction.SUBJECT_CHANGED,
            author,
            previous=solicitation.subject.label if solicitation.subject else "",
            new=needs[0].subject.label,
        )


def _log_expert_changes(solicitation: Solicitation, draft: NeedDraft, author) -> dict[str, str]:
    """Log the experts support removed from or added to the routing; return the warnings of the added ones."""
    establishment = solicitation.establishment
    routing = routing_for(subject=draft.subject, establishment=establishment)
    kept = list(routing.kept) if routing else []
    chosen = {expert.pk for expert in draft.experts}
    for expert in kept:
        if expert.pk not in chosen:
            _log(
                solicitation,
                SolicitationAction.EXPERT_REMOVED,
                author,
                subject=draft.subject.label,
                expert=_expert_details(expert),
            )
    kept_pks = {expert.pk for expert in kept}
    warnings = {}
    for expert in draft.experts:
        if expert.pk in kept_pks:
            continue
        warning = expert_warning(expert=expert, subject=draft.subject, establishment=establishment)
        _log(
            solicitation,
            SolicitationAction.EXPERT_ADDED,
            author,
            subject=draft.subject.label,
            expert=_expert_details(expert),
            warning=warning,
        )
        if warning:
            warnings[expert.name] = warning
    return warnings


def create_needs_and_notify(
    *, diagnosis: Diagnosis, needs: list[NeedDraft], sent_at, template: str, context: dict
) -> list[Need]:
    """Create the needs of the analysis and their matches sent at `sent_at`, then email each team once.

    Shared by support's triage and the advisors' analyses: `template` and `context` tell who the company is and
    how the need reached the team; each email adds the team and the links to its needs.
    """
    created = []
    needs_by_expert: dict[int, list[Need]] = defaultdict(list)
    experts_by_pk: dict[int, Expert] = {}
    for draft in needs:
        need = Need.objects.create(
            diagnosis=diagnosis, subject=draft.subject, content=draft.description, status=NeedStatus.QUO
        )
        Match.objects.bulk_create(
            Match(need=need, expert=expert, subject=draft.subject, status=MatchStatus.QUO, sent_at=sent_at)
            for expert in draft.experts
        )
        created.append(need)
        for expert in draft.experts:
            needs_by_expert[expert.pk].append(need)
            experts_by_pk[expert.pk] = expert
    for expert_pk, expert_needs in needs_by_expert.items():
        _notify_expert(experts_by_pk[expert_pk], expert_needs, template=template, context=context)
    return created


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


def _notify_expert(expert: Expert, needs: list[Need], *, template: str, context: dict) -> None:
    """One email per agent of the team, each with links that log that agent in, and one to the team's mailbox.

    The links are bound to their recipient, so agents are no longer copied on a shared email; the team's
    mailbox, read by whoever is on duty, gets links that ask for a login.
    """
    context = {**context, "expert": expert}
    users = [user for user in expert.users.all() if user.email and user.is_active]
    if expert.email.lower() not in {user.email.lower() for user in users}:
        need_links = [(need, need_page_url(need=need)) for need in needs]
        queue_email(to=[expert.email], template=template, context={**context, "need_links": need_links})
    for user in users:
        need_links = [(need, need_link_url(need=need, user=user)) for need in needs]
        queue_email(to=[user.email], template=template, context={**context, "need_links": need_links})


def cancel_solicitation(*, solicitation: Solicitation, template: CancellationTemplate, author) -> Solicitation:
    """Cancel the request and send the template's email to the company (none when the template has no text)."""
    with transaction.atomic():
        locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
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
            author,
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
