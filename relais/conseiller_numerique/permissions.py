"""Who may see and do what in Conseiller numérique (the one module of the service's permissions)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .enums import AgentKind, MatchStatus
from .models import Agent, Candidate, HostStructure, RecruitmentMatch


def candidate_of(user) -> Candidate | None:
    if not user.is_authenticated:
        return None
    return Candidate.objects.select_related("commune").filter(user=user).first()


def agent_of(user) -> Agent | None:
    if not user.is_authenticated:
        return None
    return Agent.objects.select_related("department").filter(user=user).first()


def is_national(agent: Agent | None) -> bool:
    return agent is not None and agent.kind == AgentKind.NATIONAL


def is_prefecture(agent: Agent | None) -> bool:
    return agent is not None and agent.kind == AgentKind.PREFECTURE


def structure_for_member(user, public_id) -> HostStructure:
    """The structure if the person holds the service's right in its organisation; 404 otherwise."""
    return get_object_or_404(HostStructure.objects.of_user(user).select_related("commune"), public_id=public_id)


def structure_for_agent(agent: Agent | None, public_id) -> HostStructure:
    return get_object_or_404(
        HostStructure.objects.visible_to_agent(agent).select_related("commune", "department", "organization"),
        public_id=public_id,
    )


def candidate_for_structure(structure: HostStructure, public_id) -> Candidate:
    """A candidate the structure may look at: listed for it today, or one it has acted on."""
    candidate = get_object_or_404(Candidate.objects.select_related("commune"), public_id=public_id)
    acted = RecruitmentMatch.objects.filter(structure=structure, candidate=candidate).exclude(status=MatchStatus.NEW)
    if acted.exists():
        return candidate
    if Candidate.objects.matching_structure(structure, today=timezone.localdate()).filter(pk=candidate.pk).exists():
        return candidate
    raise Http404
