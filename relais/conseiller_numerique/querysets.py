"""Reads of the service: who sees which candidates, structures and matches."""

import datetime

from django.db import models
from django.db.models import F, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from relais.territories.geometry import EARTH_RADIUS_KM

from .enums import ALL_FRANCE, AgentKind, CandidateStatus, MatchStatus, StructureStatus


def distance_expression(latitude: float, longitude: float, *, prefix: str = ""):
    """Great-circle distance in SQL from a fixed point to each row's commune centre, for sorting and showing only:
    whether a pair matches is decided once, in matching.py."""
    lat, lon = Radians(F(f"{prefix}latitude")), Radians(F(f"{prefix}longitude"))
    lat0, lon0 = Radians(Value(latitude)), Radians(Value(longitude))
    half_dlat = Sin((lat - lat0) / Value(2.0))
    half_dlon = Sin((lon - lon0) / Value(2.0))
    inner = Power(half_dlat, 2) + Cos(lat0) * Cos(lat) * Power(half_dlon, 2)
    return Value(2.0 * EARTH_RADIUS_KM) * ASin(Sqrt(inner), output_field=FloatField())


class CandidateQuerySet(models.QuerySet):
    def matchable(self):
        return self.filter(status=CandidateStatus.AVAILABLE, confirmed_at__isnull=False)

    def advisors(self):
        """Advisors in post: a recruitment not broken off."""
        return self.filter(matches__status=MatchStatus.RECRUITED).distinct()

    def published(self):
        return self.advisors().filter(opposes_publication=False)

    def matching_structure(self, structure, *, today: datetime.date):
        """The candidates the rule lists for this structure: the stored pairs within each candidate's radius, and
        the candidates of "toute la France" of the same territory; both available in time for the mission
        (by its start, or by today once it has started). Nearest first."""
        from .models import MatchPair

        if structure.status != StructureStatus.VALIDATED:
            return self.none()
        deadline = max(structure.mission_start, today)
        paired = MatchPair.objects.filter(structure_id=structure.pk).values("candidate_id")
        return (
            self.matchable()
            .filter(available_from__lte=deadline)
            .filter(Q(pk__in=paired) | Q(max_distance_km=ALL_FRANCE, territory=structure.territory))
            .annotate(distance=distance_expression(structure.latitude, structure.longitude))
            .order_by("distance", "pk")
        )

    def new_for_structure(self, structure, *, today: datetime.date):
        """The matching candidates the structure has not acted on yet."""
        from .models import RecruitmentMatch

        acted = RecruitmentMatch.objects.filter(structure_id=structure.pk).exclude(status=MatchStatus.NEW)
        return self.matching_structure(structure, today=today).exclude(pk__in=acted.values("candidate_id"))


class HostStructureQuerySet(models.QuerySet):
    def visible_to_agent(self, agent):
        if agent is None:
            return self.none()
        confirmed = self.exclude(status=StructureStatus.UNCONFIRMED)
        if agent.kind == AgentKind.NATIONAL:
            return confirmed
        return confirmed.filter(department_id=agent.department_id)

    def of_user(self, user):
        """The structures whose organisation gave this person the "Conseiller numérique" right."""
        from relais.organizations.models import AccessRight

        from .catalogue import SERVICE_SLUG

        organizations = AccessRight.objects.filter(
            membership__user=user, service__slug=SERVICE_SLUG, rights__isnull=False
        ).values("membership__organization_id")
        return self.filter(organization_id__in=organizations).exclude(status=StructureStatus.UNCONFIRMED)


class RecruitmentMatchQuerySet(models.QuerySet):
    def with_details(self):
        return self.select_related("candidate__commune", "structure__commune")


def match_status_of(structure_id: int):
    from .models import RecruitmentMatch

    return Subquery(
        RecruitmentMatch.objects.filter(structure_id=structure_id, candidate_id=OuterRef("pk")).values("status")[:1]
    )
