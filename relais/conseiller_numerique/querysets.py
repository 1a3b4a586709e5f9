"""Reads of the service: who sees which candidates, structures and matches."""

import datetime

from django.db import models
from django.db.models import F, FloatField, Value
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

    def matching_parts(self, structure, *, today: datetime.date) -> tuple[models.QuerySet, models.QuerySet]:
        """The candidates the rule lists for this structure, in two disjoint parts: the stored pairs within each
        candidate's radius, and the candidates of "toute la France" of the same territory; both available in time
        for the mission (by its start, or by today once it has started). Each nearest first."""
        from .models import MatchPair

        base = (
            self.matchable()
            .filter(available_from__lte=max(structure.mission_start, today))
            .annotate(distance=distance_expression(structure.latitude, structure.longitude))
            .order_by("distance", "pk")
        )
        if structure.status != StructureStatus.VALIDATED:
            return base.none(), base.none()
        paired = MatchPair.objects.filter(structure_id=structure.pk).values("candidate_id")
        return (
            base.filter(pk__in=paired),
            base.filter(max_distance_km=ALL_FRANCE, territory=structure.territory),
        )

    def matching_structure(self, structure, *, today: datetime.date):
        """Both parts of `matching_parts` in one queryset, nearest first."""
        paired, everywhere = self.matching_parts(structure, today=today)
        return (paired | everywhere).order_by("distance", "pk")

    def new_for_structure(self, structure, *, today: datetime.date) -> "NearestFirst":
        """The matching candidates the structure has not acted on yet, nearest first, as one sliceable list."""
        from .models import RecruitmentMatch

        acted = RecruitmentMatch.objects.filter(structure_id=structure.pk).exclude(status=MatchStatus.NEW)
        return NearestFirst(
            [part.exclude(pk__in=acted.values("candidate_id")) for part in self.matching_parts(structure, today=today)]
        )


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


class NearestFirst:
    """Disjoint querysets, each ordered by (distance, pk), read as one list in that order: a page asks each part
    for the (distance, id) of its first rows only (a narrow sort, an index-driven query each), merges them, then
    reads the page's candidates in one query."""

    def __init__(self, parts: list, related: tuple = ()):
        self.parts, self.related = parts, related

    def filter(self, *args, **kwargs) -> "NearestFirst":
        return NearestFirst([part.filter(*args, **kwargs) for part in self.parts], self.related)

    def select_related(self, *fields) -> "NearestFirst":
        return NearestFirst(self.parts, self.related + fields)

    def count(self) -> int:
        return sum(part.count() for part in self.parts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        keys = []
        for part in self.parts:
            rows = part.values_list("distance", "pk")
            keys.extend(rows[:stop] if stop is not None else rows)
        keys = sorted(keys)[start:stop]
        if not keys:
            return []
        model = self.parts[0].model
        found = model._default_manager.select_related(*self.related).in_bulk([pk for _distance, pk in keys])
        page = []
        for distance, pk in keys:
            row = found[pk]
            row.distance = distance
            page.append(row)
        return page
