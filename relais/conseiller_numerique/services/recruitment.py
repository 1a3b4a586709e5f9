"""What a structure does with the candidates listed for it, up to the contract and its rupture."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from relais.accounts.models import User

from ..enums import (
    MATCH_TRANSITIONS,
    OPEN_MATCH_STATUSES,
    QUOTA_MATCH_STATUSES,
    CandidateStatus,
    ContractType,
    MatchStatus,
    RuptureReason,
    StructureStatus,
)
from ..matching import sync_candidate
from ..models import Candidate, HostStructure, MatchStatusChange, RecruitmentMatch
from ..tasks import candidate_changed
from .common import TransitionError, now, send

EMAILED_STATUSES = {
    MatchStatus.PRESELECTED,
    MatchStatus.NOT_RETAINED,
    MatchStatus.VALIDATED,
    MatchStatus.RECRUITED,
    MatchStatus.RUPTURED,
}


def _lock(structure: HostStructure, candidate: Candidate) -> tuple[HostStructure, RecruitmentMatch]:
    """Lock the structure first (the quota is counted under this lock), then get or create the match."""
    structure = HostStructure.objects.select_for_update().get(pk=structure.pk)
    if structure.status != StructureStatus.VALIDATED:
        raise TransitionError("La structure n'est pas validée : elle ne peut pas recruter.")
    match, _created = RecruitmentMatch.objects.get_or_create(structure=structure, candidate=candidate)
    match = RecruitmentMatch.objects.select_for_update().get(pk=match.pk)
    return structure, match


def _move(*, match: RecruitmentMatch, to: MatchStatus, actor: User) -> None:
    previous = MatchStatus(match.status)
    if to not in MATCH_TRANSITIONS[previous]:
        raise TransitionError(f"Une mise en relation « {previous.label} » ne peut pas passer à « {to.label} ».")
    match.status = to
    match.save()
    MatchStatusChange.objects.create(match=match, from_status=previous, to_status=to, actor=actor)
    if to in EMAILED_STATUSES:
        send(
            to=[match.candidate.email],
            template=f"match_{to.value}",
            context={"candidate": match.candidate, "structure": match.structure, "match": match},
        )


def _check_quota(structure: HostStructure, match: RecruitmentMatch) -> None:
    taken = (
        RecruitmentMatch.objects.filter(structure=structure, status__in=QUOTA_MATCH_STATUSES)
        .exclude(pk=match.pk)
        .count()
    )
    if taken >= structure.posts_granted:
        raise TransitionError(
            f"Les {structure.posts_granted} poste(s) accordé(s) à la structure sont tous pourvus ou en cours de "
            "recrutement."
        )


def change_status(*, actor: User, structure: HostStructure, candidate: Candidate, status: MatchStatus):
    """Preselect, not retain, or undo (back to new, or from validated back to preselected)."""
    if status not in {MatchStatus.NEW, MatchStatus.PRESELECTED, MatchStatus.NOT_RETAINED}:
        raise TransitionError("Ce changement de statut demande un autre formulaire.")
    with transaction.atomic():
        structure, match = _lock(structure, candidate)
        if match.status == MatchStatus.VALIDATED and status == MatchStatus.PRESELECTED:
            match.contract_type, match.contract_start, match.contract_end, match.gross_salary = "", None, None, None
        _move(match=match, to=status, actor=actor)
    return match


def validate_candidacy(
    *,
    actor: User,
    structure: HostStructure,
    candidate: Candidate,
    contract_type: ContractType,
    contract_start: datetime.date,
    contract_end: datetime.date | None,
    gross_salary: Decimal,
) -> RecruitmentMatch:
    if contract_type != ContractType.CDI and contract_end is None:
        raise TransitionError("Indiquez la date de fin du contrat.")
    if contract_end is not None and contract_end <= contract_start:
        raise TransitionError("La fin du contrat doit suivre son début.")
    if gross_salary < Decimal(settings.CN_SMIC_MONTHLY_GROSS):
        raise TransitionError(
            f"Le salaire brut mensuel ne peut pas être inférieur au SMIC ({settings.CN_SMIC_MONTHLY_GROSS} €)."
        )
    with transaction.atomic():
        structure, match = _lock(structure, candidate)
        if Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.RECRUITED:
            raise TransitionError("Cette personne a déjà été recrutée.")
        _check_quota(structure, match)
        match.contract_type, match.contract_start = contract_type, contract_start
        match.contract_end = None if contract_type == ContractType.CDI else contract_end
        match.gross_salary = gross_salary
        _move(match=match, to=MatchStatus.VALIDATED, actor=actor)
    return match


def recruit(*, actor: User, structure: HostStructure, candidate: Candidate) -> RecruitmentMatch:
    """The recruitment: never beyond the posts granted; the person leaves every other list at once."""
    with transaction.atomic():
        structure, match = _lock(structure, candidate)
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status == CandidateStatus.RECRUITED:
            raise TransitionError("Cette personne a déjà été recrutée.")
        _check_quota(structure, match)
        match.recruited_at = now()
        _move(match=match, to=MatchStatus.RECRUITED, actor=actor)
        candidate.status = CandidateStatus.RECRUITED
        candidate.save(update_fields=["status", "updated_at"])
        sync_candidate(candidate)
        RecruitmentMatch.objects.filter(candidate=candidate, status__in=OPEN_MATCH_STATUSES).exclude(
            pk=match.pk
        ).delete()
        candidate_changed(candidate.pk)
    return match


def break_contract(
    *, actor: User, match: RecruitmentMatch, date: datetime.date, reason: RuptureReason
) -> RecruitmentMatch:
    """The advisor is post-less again, and back in the lists."""
    with transaction.atomic():
        match = (
            RecruitmentMatch.objects.select_for_update(of=("self",))
            .select_related("candidate", "structure")
            .get(pk=match.pk)
        )
        if match.contract_end is not None and date > match.contract_end:
            raise TransitionError("La date de rupture ne peut pas dépasser la fin du contrat.")
        if match.contract_start is not None and date < match.contract_start:
            raise TransitionError("La date de rupture ne peut pas précéder le début du contrat.")
        match.rupture_date, match.rupture_reason = date, reason
        _move(match=match, to=MatchStatus.RUPTURED, actor=actor)
        advisor = match.candidate
        advisor.status = CandidateStatus.AVAILABLE
        advisor.save(update_fields=["status", "updated_at"])
        sync_candidate(advisor)
        candidate_changed(advisor.pk)
    return match
