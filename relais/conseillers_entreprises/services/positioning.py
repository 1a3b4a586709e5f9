"""Positions of an expert team on a need sent to it: take charge, refuse, close, reopen.

Every change locks the need then the match, checks the transition, logs it, recomputes the need's status from
all its matches and queues the emails. Locking the need serialises the experts of one need: without it two teams
taking charge at the same moment would both believe they were first and the company would get two emails.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.notifications.services import queue_email

from ..enums import CLOSED_STATUSES, NEED_STATUS_PRECEDENCE, MatchStatus, NeedStatus
from ..models import Match, MatchStatusChange, Need
from .company_followup import contact_of, followup_url
from .links import need_page_url

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.QUO: frozenset({MatchStatus.NOT_FOR_ME, MatchStatus.TAKING_CARE}),
    MatchStatus.NOT_FOR_ME: frozenset({MatchStatus.QUO}),
    MatchStatus.TAKING_CARE: frozenset(
        {MatchStatus.DONE, MatchStatus.DONE_NO_HELP, MatchStatus.DONE_NOT_REACHABLE, MatchStatus.QUO}
    ),
    MatchStatus.DONE: frozenset({MatchStatus.QUO}),
    MatchStatus.DONE_NO_HELP: frozenset({MatchStatus.QUO}),
    MatchStatus.DONE_NOT_REACHABLE: frozenset({MatchStatus.QUO}),
}


def need_status_from(statuses: Iterable[str]) -> NeedStatus:
    """The status of a need given the statuses of its matches."""
    statuses = set(statuses)
    for status in NEED_STATUS_PRECEDENCE:
        if status in statuses:
            return NeedStatus(status)
    if statuses == {MatchStatus.NOT_FOR_ME}:
        return NeedStatus.NOT_FOR_ME
    return NeedStatus.QUO


def allowed_next_statuses(status: str) -> frozenset[str]:
    return ALLOWED_TRANSITIONS.get(status, frozenset())


def take_charge(*, match: Match, actor: User) -> Match:
    return _change_status(match=match, actor=actor, to_status=MatchStatus.TAKING_CARE)


def refuse(*, match: Match, actor: User, reason: str = "") -> Match:
    return _change_status(match=match, actor=actor, to_status=MatchStatus.NOT_FOR_ME, reason=reason.strip())


def close(*, match: Match, actor: User, outcome: str) -> Match:
    if outcome not in CLOSED_STATUSES:
        raise ValidationError("Choisissez l’issue de votre intervention.")
    return _change_status(match=match, actor=actor, to_status=outcome)


def reopen(*, match: Match, actor: User) -> Match:
    return _change_status(match=match, actor=actor, to_status=MatchStatus.QUO)


def _change_status(*, match: Match, actor: User, to_status: str, reason: str = "") -> Match:
    with transaction.atomic():
        need = (
            Need.objects.select_for_update(of=("self",))
            .select_related("subject", "diagnosis__solicitation", "diagnosis__advisor")
            .select_related("diagnosis__establishment__company")
            .get(pk=match.need_id)
        )
        locked = (
            Match.objects.select_for_update(of=("self",))
            .select_related("expert__antenne__institution")
            .get(pk=match.pk)
        )
        from_status = locked.status
        if to_status not in allowed_next_statuses(from_status):
            raise ValidationError(
                f"Cette mise en relation ne peut pas passer de « {MatchStatus(from_status).label} » "
                f"à « {MatchStatus(to_status).label} »."
            )
        first_taken = to_status == MatchStatus.TAKING_CARE and not _ever_taken(need)
        now = timezone.now()
        locked.status = to_status
        if to_status == MatchStatus.TAKING_CARE:
            locked.taken_care_of_at = now
            locked.closed_at = None
        elif to_status in CLOSED_STATUSES:
            locked.closed_at = now
        elif to_status == MatchStatus.QUO:
            # Reopened: the team answers afresh, so the dates of its former answer no longer describe the match.
            locked.taken_care_of_at = None
            locked.closed_at = None
        locked.save(update_fields=["status", "taken_care_of_at", "closed_at", "updated_at"])
        MatchStatusChange.objects.create(
            match=locked, from_status=from_status, to_status=to_status, author=actor, reason=reason
        )
        need.status = need_status_from(need.matches.values_list("status", flat=True))
        need.save(update_fields=["status", "updated_at"])
        _notify(need=need, match=locked, to_status=to_status, first_taken=first_taken, actor=actor)
    match.refresh_from_db()
    return match


def _ever_taken(need: Need) -> bool:
    """Whether an expert already took the need in charge: the company was told then, and is told only once.

    Derived from the log rather than stored on the need: every match reaches a closing status through
    taking_care, so a single logged taking_care on any match of the need means the company already knows.
    """
    return MatchStatusChange.objects.filter(match__need=need, to_status=MatchStatus.TAKING_CARE).exists()


def company_name(need: Need) -> str:
    diagnosis = need.diagnosis
    if diagnosis.establishment_id:
        return diagnosis.establishment.company.name
    return diagnosis.solicitation.full_name if diagnosis.solicitation else ""


def _notify(*, need: Need, match: Match, to_status: str, first_taken: bool, actor: User) -> None:
    diagnosis = need.diagnosis
    solicitation = diagnosis.solicitation
    context = {"need": need, "match": match, "expert": match.expert, "company_name": company_name(need)}
    if solicitation and solicitation.email:
        company_context = {**context, "solicitation": solicitation}
        if first_taken:
            # As the public service: the company learns who will call it back and how to reach them.
            queue_email(
                to=[solicitation.email],
                template="conseillers_entreprises/emails/workspace_company_taken",
                context={
                    **company_context,
                    "contact": contact_of(match, actor),
                    "followup_url": followup_url(solicitation=solicitation),
                },
            )
        elif to_status == MatchStatus.DONE_NOT_REACHABLE:
            queue_email(
                to=[solicitation.email],
                template="conseillers_entreprises/emails/workspace_company_not_reachable",
                context=company_context,
            )
    advisor = diagnosis.advisor
    if advisor and advisor.email and advisor != actor and to_status in (MatchStatus.TAKING_CARE, *CLOSED_STATUSES):
        template = "workspace_advisor_taken" if to_status == MatchStatus.TAKING_CARE else "workspace_advisor_closed"
        queue_email(
            to=[advisor.email],
            template=f"conseillers_entreprises/emails/{template}",
            context={**context, "advisor": advisor, "need_url": need_page_url(need=need)},
        )
