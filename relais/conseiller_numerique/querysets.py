"""Reads of the service: who sees which candidates, structures and matches."""

import datetime
import math

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from relais.territories.geometry import BOX_MARGIN, EARTH_RADIUS_KM, KM_PER_DEGREE

from .enums import ALL_FRANCE, STORED_RADIUS_MAX_KM, AgentKind, CandidateStatus, Distance, MatchStatus, StructureStatus

# The distances (km) within which a page of candidates of "toute la France" (or of 100 km) is looked for, nearest
# first: each twice the former, up to the size of metropolitan France.
RINGS_KM = (5, 10, 20, 40, 80, 160, 320, 640)
# The radii whose pairs are not stored but found around the structure when its list is read ("toute la France"
# aside).
WIDE_RADII = tuple(value for value in Distance.values if value > STORED_RADIUS_MAX_KM)


def box_bounds(latitude: float, longitude: float, km: float) -> tuple[float, float, float, float]:
    """A box that holds every point at most `km` from the point, as the matching's boxes: (south, north, west,
    east)."""
    half_height = km / KM_PER_DEGREE
    half_width = km / (KM_PER_DEGREE * math.cos(math.radians(min(89.0, abs(latitude) + half_height))))
    return (
        latitude - half_height - BOX_MARGIN,
        latitude + half_height + BOX_MARGIN,
        longitude - half_width - BOX_MARGIN,
        longitude + half_width + BOX_MARGIN,
    )


def box_around(latitude: float, longitude: float, km: float) -> Q:
    """The same box, as a filter of the rows' own place."""
    south, north, west, east = box_bounds(latitude, longitude, km)
    return Q(latitude__range=(south, north), longitude__range=(west, east))


def distance_expression(latitude: float, longitude: float, *, prefix: str = ""):
    """Great-circle distance in SQL from a fixed point to each row's commune centre, for sorting and showing only:
    whether a pair matches is decided once, in matching.py. The same operations in the same order as
    `matching.distance_sql`, so that a distance computed here equals the one stored with a pair."""
    lat, lon = F(f"{prefix}latitude"), F(f"{prefix}longitude")
    lat0, lon0 = Value(latitude), Value(longitude)
    half_dlat = Sin(Radians(lat - lat0) / Value(2.0))
    half_dlon = Sin(Radians(lon - lon0) / Value(2.0))
    inner = Power(half_dlat, 2) + Cos(Radians(lat0)) * Cos(Radians(lat)) * Power(half_dlon, 2)
    return Value(2.0) * Value(EARTH_RADIUS_KM) * ASin(Sqrt(inner), output_field=FloatField())


class CandidateQuerySet(models.QuerySet):
    def matchable(self):
        return self.filter(status=CandidateStatus.AVAILABLE, confirmed_at__isnull=False)

    def advisors(self):
        """Advisors in post: a recruitment not broken off."""
        return self.filter(matches__status=MatchStatus.RECRUITED).distinct()

    def published(self):
        return self.advisors().filter(opposes_publication=False)

    def matching_parts(self, structure, *, today: datetime.date) -> tuple[models.QuerySet, ...]:
        """The candidates the rule lists for this structure, in three disjoint parts: its stored pairs (a queryset of
        pairs, not of candidates: the pairs of the candidates of up to 40 km within their radius, with the distance
        and the availability date stored, nearest first along the pairs' index), the candidates of a wider radius
        (100 km) within it, found in the box of that radius around the structure, and the candidates of "toute la
        France" of the same territory; all available in time for the mission (by its start, or by today once it has
        started). Each nearest first. Only candidates who match have pairs (`matching.sync_candidate`)."""
        deadline = max(structure.mission_start, today)
        MatchPair = self.model._meta.get_field("pairs").related_model
        paired = MatchPair.objects.filter(structure_id=structure.pk, available_from__lte=deadline).order_by(
            "distance_km", "candidate_id"
        )
        candidates = (
            self.matchable()
            .filter(available_from__lte=deadline, territory=structure.territory)
            .annotate(distance=distance_expression(structure.latitude, structure.longitude))
            .order_by("distance", "pk")
        )
        # The rule's test, as for the stored pairs: the distance at most the candidate's radius (at it, it matches).
        wide = candidates.filter(
            box_around(structure.latitude, structure.longitude, max(WIDE_RADII)),
            max_distance_km__in=WIDE_RADII,
            distance__lte=F("max_distance_km"),
        )
        everywhere = candidates.filter(max_distance_km=ALL_FRANCE)
        if structure.status != StructureStatus.VALIDATED:
            # Empty, with the same columns (a list page reads them all the same).
            return paired.none(), wide.none(), everywhere.none()
        return paired, wide, everywhere

    def matching_structure(self, structure, *, today: datetime.date):
        """The parts of `matching_parts` in one queryset of candidates, nearest first (for a check or an
        explanation; the list page reads the parts through `new_for_structure`)."""
        paired, wide, everywhere = self.matching_parts(structure, today=today)
        return (
            self.filter(
                Q(pk__in=paired.values("candidate_id"))
                | Q(pk__in=wide.values("pk"))
                | Q(pk__in=everywhere.values("pk"))
            )
            .annotate(distance=distance_expression(structure.latitude, structure.longitude))
            .order_by("distance", "pk")
        )

    def new_for_structure(self, structure, *, today: datetime.date) -> "NearestFirst":
        """The matching candidates the structure has not acted on yet, nearest first, as one sliceable list."""
        # The model of the structures' actions, through the candidates' relation (models.py imports this module).
        RecruitmentMatch = self.model._meta.get_field("matches").related_model

        acted = RecruitmentMatch.objects.filter(structure_id=structure.pk).exclude(status=MatchStatus.NEW)
        acted_ids = acted.values("candidate_id")
        paired, wide, everywhere = self.matching_parts(structure, today=today)
        around = (structure.latitude, structure.longitude)
        return NearestFirst(
            [
                Pairs(paired.exclude(candidate_id__in=acted_ids), self.model),
                AroundPoint(wide.exclude(pk__in=acted_ids), *around),
                AroundPoint(everywhere.exclude(pk__in=acted_ids), *around),
            ]
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
    """Disjoint parts, each ordered by (distance, candidate id), read as one list in that order: a page asks each
    part for the (distance, id) of its first rows only (a narrow sort, an index-driven query each), merges them,
    then reads the page's candidates in one query. A part is a `Pairs` or an `AroundPoint`."""

    def __init__(self, parts: list, related: tuple = ()):
        self.parts, self.related = parts, related

    def filter(self, **kwargs) -> "NearestFirst":
        return NearestFirst([part.filter(**kwargs) for part in self.parts], self.related)

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
        keys = sorted(key for part in self.parts for key in part.first_keys(stop))[start:stop]
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


class Pairs:
    """A structure's stored pairs as candidates of `model`: counted and read nearest first in the pairs' index alone.
    A filter names the candidates' fields, as for the other parts: the distance and the availability date are the
    pair's own, anything else joins the candidate."""

    OWN = {"distance": "distance_km", "available_from": "available_from"}

    def __init__(self, queryset, model):
        self.queryset, self.model = queryset, model

    def filter(self, **kwargs) -> "Pairs":
        lookups = {}
        for lookup, value in kwargs.items():
            field, _, rest = lookup.partition("__")
            name = self.OWN.get(field, f"candidate__{field}")
            lookups[f"{name}__{rest}" if rest else name] = value
        return Pairs(self.queryset.filter(**lookups), self.model)

    def count(self) -> int:
        return self.queryset.count()

    def first_keys(self, stop: int | None) -> list:
        rows = self.queryset.values_list("distance_km", "candidate_id")
        return list(rows[:stop] if stop is not None else rows)


class AroundPoint:
    """A queryset annotated with the `distance` from a point (computed, as for the candidates of "toute la France"),
    read nearest first without computing the distance of every row: its count also counts, for each of `RINGS_KM`,
    the rows of a box that lies within that distance of the point; the first rows of a page are then read inside
    the smallest ring known to hold enough of them (their box, then their distance). Exact: every row beyond the
    ring is farther than every row within it."""

    def __init__(self, queryset, latitude: float, longitude: float):
        self.queryset, self.latitude, self.longitude = queryset, latitude, longitude
        self.model = queryset.model
        self.rings: list[tuple[int, int]] = []
        self._statement: tuple[str, tuple] | None = None

    def filter(self, **kwargs) -> "AroundPoint":
        return AroundPoint(self.queryset.filter(**kwargs), self.latitude, self.longitude)

    def _rows(self) -> tuple[str, tuple] | None:
        """The queryset's statement, compiled once for the count and the first rows, both written in SQL around it
        (the ORM's own statements took as long to compile as to run); None when it holds nothing (`none()`: the list
        of a structure not validated yet)."""
        if self._statement is None:
            try:
                key = self.model._meta.pk.attname
                self._statement = (
                    self.queryset.order_by().values("latitude", "longitude", "distance", key).query.sql_with_params()
                )
            except EmptyResultSet:
                return None
        return self._statement

    def count(self) -> int:
        """The rows, and those of each ring's box, counted in one pass."""
        statement = self._rows()
        if statement is None:
            self.rings = [(km, 0) for km in RINGS_KM]
            return 0
        rows, params = statement
        box = "b.latitude BETWEEN %s AND %s AND b.longitude BETWEEN %s AND %s"
        counts = ", ".join(f"COUNT(*) FILTER (WHERE {box})" for _km in RINGS_KM)
        bounds = [bound for km in RINGS_KM for bound in self._within(km)]
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), {counts} FROM ({rows}) b", (*bounds, *params))
            total, *inside = cursor.fetchone()
        self.rings = list(zip(RINGS_KM, inside, strict=True))
        return total

    def first_keys(self, stop: int | None) -> list:
        """(distance, id) of the first `stop` rows, nearest first."""
        ring = next((km for km, inside in self.rings if stop is not None and inside >= stop), None)
        statement = self._rows() if ring is not None else None
        if statement is not None:
            rows, params = statement
            key = self.model._meta.pk.attname
            with connections[self.queryset.db].cursor() as cursor:
                cursor.execute(
                    f"SELECT b.distance, b.{key} FROM ({rows}) b WHERE b.latitude BETWEEN %s AND %s"
                    f" AND b.longitude BETWEEN %s AND %s AND b.distance <= %s ORDER BY b.distance, b.{key} LIMIT %s",
                    (*params, *box_bounds(self.latitude, self.longitude, ring), ring, stop),
                )
                keys = [tuple(row) for row in cursor.fetchall()]
            if len(keys) == stop:
                return keys
            # Rows gone since the count (another request's change): read them all.
        rows = self.queryset.values_list("distance", "pk")
        return list(rows[:stop] if stop is not None else rows)

    def _within(self, km: float) -> tuple[float, float, float, float]:
        """A box every point of which is at most `km` from the point (south, north, west, east): half of it along the
        meridian, half along the parallel at the widest latitude of the box (a path that long joins them, the great
        circle is no longer)."""
        half_height = km / 2 / KM_PER_DEGREE
        widest = math.cos(math.radians(max(0.0, abs(self.latitude) - half_height)))
        half_width = km / 2 / (KM_PER_DEGREE * widest)
        return (
            self.latitude - half_height + BOX_MARGIN,
            self.latitude + half_height - BOX_MARGIN,
            self.longitude - half_width + BOX_MARGIN,
            self.longitude + half_width - BOX_MARGIN,
        )
