"""Figures of the dashboards (national team, prefectures), one query per table."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from .enums import CandidateStatus, MatchStatus, StructureStatus
from .models import Agent, Candidate, HostStructure, RecruitmentMatch
from .permissions import is_national


@dataclass
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple]
    chart: bool = True


def dashboard(agent: Agent | None) -> list[Table]:
    """The tables of an agent's dashboard (None: the whole of France, as the national team sees it)."""
    structures = HostStructure.objects.exclude(status=StructureStatus.UNCONFIRMED)
    candidates = Candidate.objects.exclude(status=CandidateStatus.UNCONFIRMED)
    matches = RecruitmentMatch.objects.all()
    if agent is not None and not is_national(agent):
        structures = structures.filter(department_id=agent.department_id)
        candidates = candidates.filter(commune__department_id=agent.department_id)
        matches = matches.filter(structure__department_id=agent.department_id)
    by_status = dict(structures.values_list("status").annotate(count=Count("id")).values_list("status", "count"))
    posts = structures.filter(status=StructureStatus.VALIDATED).aggregate(
        granted=Sum("posts_granted"), wanted=Sum("posts_wanted")
    )
    recruited = matches.filter(status=MatchStatus.RECRUITED).count()
    by_department = (
        candidates.values("commune__department__insee_code", "commune__department__name")
        .annotate(
            total=Count("id"),
            available=Count("id", filter=Q(status=CandidateStatus.AVAILABLE)),
            recruited=Count("id", filter=Q(status=CandidateStatus.RECRUITED)),
        )
        .order_by("commune__department__insee_code")
    )
    match_counts = dict(matches.values_list("status").annotate(count=Count("id")).values_list("status", "count"))
    return [
        Table(
            "Structures par statut",
            ("Statut", "Structures"),
            [
                (status.label, by_status.get(status.value, 0))
                for status in StructureStatus
                if status.value != "unconfirmed"
            ],
        ),
        Table(
            "Postes des structures validées",
            ("Postes", "Nombre"),
            [
                ("Demandés", posts["wanted"] or 0),
                ("Accordés", posts["granted"] or 0),
                ("Pourvus (recrutements en cours)", recruited),
            ],
        ),
        Table(
            "Candidats par département",
            ("Département", "Candidats", "Disponibles", "Recrutés"),
            [
                (
                    f"{row['commune__department__name']} ({row['commune__department__insee_code']})",
                    row["total"],
                    row["available"],
                    row["recruited"],
                )
                for row in by_department
            ],
            chart=False,
        ),
        Table(
            "Mises en relation par statut",
            ("Statut", "Mises en relation"),
            [(status.label, match_counts.get(status.value, 0)) for status in MatchStatus],
        ),
    ]


def national_figures() -> dict:
    """The open figures (no personal data): the national dashboard's tables of counts."""
    tables = dashboard(None)
    structures, posts, _departments, matches = tables
    return {
        "structures": [{"label": label, "count": count} for label, count in structures.rows],
        "posts": [{"label": label, "count": count} for label, count in posts.rows],
        "matches": [{"label": label, "count": count} for label, count in matches.rows],
    }
