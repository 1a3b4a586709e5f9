"""Needs and their matches, created when support transmits a solicitation or an advisor sends an "Analyse", and the
email each notified team receives."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError

from relais.notifications.services import queue_email

from ..enums import MatchStatus, NeedStatus
from ..models import Diagnosis, Expert, Match, Need, Subject
from ..models.querysets import match_search_text
from .links import need_link_url, need_page_url


@dataclass(frozen=True)
class NeedDraft:
    """One need as set before it is sent: its subject, its description and the teams to notify.

    `routed` are the teams routing kept and `warnings` why routing would not have chosen the others, both computed
    on the page before sending, so that the transmission does not route again while it holds its lock.
    """

    subject: Subject
    description: str
    experts: list[Expert]
    routed: list[Expert] = field(default_factory=list)
    warnings: dict[int, str] = field(default_factory=dict)


def validate_drafts(needs: list[NeedDraft]) -> None:
    if not needs:
        raise ValidationError("Indiquez au moins un besoin.")
    for position, need in enumerate(needs, start=1):
        if not need.experts:
            raise ValidationError(f"Besoin {position} (« {need.subject} ») : cochez au moins un expert.")


def create_needs_and_notify(
    *, diagnosis: Diagnosis, needs: list[NeedDraft], sent_at: datetime, template: str, context: dict
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
        search_text = need_search_text(need)
        Match.objects.bulk_create(
            Match(
                need=need,
                expert=expert,
                subject=draft.subject,
                status=MatchStatus.QUO,
                sent_at=sent_at,
                search_text=search_text,
            )
            for expert in draft.experts
        )
        created.append(need)
        for expert in draft.experts:
            needs_by_expert[expert.pk].append(need)
            experts_by_pk[expert.pk] = expert
    for expert_pk, expert_needs in needs_by_expert.items():
        _notify_expert(experts_by_pk[expert_pk], expert_needs, template=template, context=context)
    return created


def need_search_text(need: Need) -> str:
    """What the inbox search of the teams reads for this need (Match.search_text)."""
    diagnosis, subject = need.diagnosis, need.subject
    establishment, solicitation = diagnosis.establishment, diagnosis.solicitation
    return match_search_text(
        company_name=establishment.company.name if establishment else "",
        siret=establishment.siret if establishment else (solicitation.siret if solicitation else ""),
        first_name=solicitation.first_name if solicitation else diagnosis.contact_name,
        last_name=solicitation.last_name if solicitation else "",
        subject_label=subject.label,
    )


def _notify_expert(expert: Expert, needs: list[Need], *, template: str, context: dict) -> None:
    """One email per agent of the team, each with links that open the need for that agent, and one to the team's
    mailbox.

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
