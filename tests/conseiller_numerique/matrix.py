"""Conseiller numérique in the permission matrix: structure A (Lyon, 69) with a member, an advisor in post there
(candidate A) with a place, a listed candidate with a CV; structure B with its member; another candidate; the
prefectures of the Rhône and of the Loire; the national team."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from relais.accounts.models import User
from relais.conseiller_numerique import matching, services
from relais.conseiller_numerique.enums import AgentKind, CandidateStatus, MatchStatus, StructureStatus
from relais.conseiller_numerique.models import ActivityPlace, Agent, RecruitmentMatch
from relais.conseiller_numerique.services.common import sign
from relais.core.access import Role
from tests.conseiller_numerique import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(email: str) -> User:
    return User.objects.create_user(email=email, password=None)


def targets(world) -> dict[str, dict]:
    users = world.users
    lyon = f.commune(45.7578, 4.8320, department_code="69", name="Lyon test")
    villeurbanne = f.commune(45.7719, 4.8902, department_code="69", name="Villeurbanne test")
    saint_etienne = f.commune(45.4397, 4.3872, department_code="42", name="Saint-Étienne test")
    structure_a = f.structure(lyon, posts_granted=3)
    structure_b = f.structure(saint_etienne)
    users[Role.CN_STRUCTURE] = _user("recrutement@structure-a.fr")
    users[Role.CN_OTHER_STRUCTURE] = _user("recrutement@structure-b.fr")
    services.grant_structure_access(structure=structure_a, user=users[Role.CN_STRUCTURE], actor=None)
    services.grant_structure_access(structure=structure_b, user=users[Role.CN_OTHER_STRUCTURE], actor=None)

    users[Role.CN_CANDIDATE] = _user("conseiller@exemple.fr")
    users[Role.CN_OTHER_CANDIDATE] = _user("candidate@exemple.fr")
    advisor = f.candidate(villeurbanne, user=users[Role.CN_CANDIDATE], email="conseiller@exemple.fr")
    other = f.candidate(saint_etienne, user=users[Role.CN_OTHER_CANDIDATE], email="candidate@exemple.fr")
    listed = f.candidate(villeurbanne, email="liste@exemple.fr")
    for person in (advisor, other, listed):
        person.cv.save("cv.pdf", ContentFile(PDF), save=True)
    recruitment = RecruitmentMatch.objects.create(
        candidate=advisor,
        structure=structure_a,
        status=MatchStatus.RECRUITED,
        contract_type="cdi",
        contract_start=timezone.localdate() - datetime.timedelta(days=30),
        recruited_at=timezone.now(),
    )
    advisor.status = CandidateStatus.RECRUITED
    advisor.save(update_fields=["status"])
    place = ActivityPlace.objects.create(advisor=advisor, name="Médiathèque", address="1 place", commune=villeurbanne)
    matching.rebuild_pairs()

    unconfirmed = f.candidate(lyon, confirmed=False, status=CandidateStatus.UNCONFIRMED, email="nouveau@exemple.fr")
    pending = f.structure(lyon, status=StructureStatus.UNCONFIRMED, contact_email="contact@nouvelle.fr")

    for role, kind, department in (
        (Role.CN_PREFECTURE, AgentKind.PREFECTURE, lyon.department),
        (Role.CN_OTHER_PREFECTURE, AgentKind.PREFECTURE, saint_etienne.department),
        (Role.CN_NATIONAL, AgentKind.NATIONAL, None),
    ):
        users[role] = _user(f"{role.value.replace('_', '-')}@gouv.fr")
        Agent.objects.create(user=users[role], kind=kind, department=department)

    return {
        "cn.candidate_token": {"token": sign("candidate", unconfirmed.public_id)},
        "cn.structure_token": {"token": sign("structure", pending.public_id)},
        "cn.place": {"place_id": place.public_id},
        "cn.structure": {"structure_id": structure_a.public_id},
        "cn.listed_candidate": {"structure_id": structure_a.public_id, "candidate_id": listed.public_id},
        "cn.structure_advisor": {"structure_id": structure_a.public_id, "candidate_id": advisor.public_id},
        "cn.recruitment": {"structure_id": structure_a.public_id, "match_id": recruitment.public_id},
        "cn.agent_structure": {"structure_id": structure_a.public_id},
        "cn.export": {"extension": "csv"},
    }
