"""The matching rule of the seed, exact and incremental.

A candidate and a structure match when the candidate is confirmed and available, the structure validated, both
in the same territory (metropolitan France, or the same overseas territory), the great-circle distance between
their communes' centres is at most the candidate's maximum distance ("toute la France": any distance), and the
candidate is available by the mission's start (by today once the mission has started).

Only the part that does not move with the calendar is stored: `MatchPair` holds the pairs within radius, for
candidates with a radius. The date part and the candidates of "toute la France" (tens of millions of pairs, all
decided by the territory alone) are applied when a structure's list is read (`Candidate.objects.matching_structure`).
A change of a candidate or a structure recomputes that one's pairs (`update_candidate_pairs`,
`update_structure_pairs`, run by tasks); `rebuild_pairs` recomputes them all. The decision is taken here only:
`within_radius`, on the distance of `relais.territories.geometry.haversine_km`.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from relais.territories.geometry import EARTH_RADIUS_KM, haversine_km

from .enums import ALL_FRANCE, METROPOLE, Distance, StructureStatus
from .models import Candidate, HostStructure, MatchPair

CELL_DEGREES = 0.5
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
MAX_RADIUS_KM = max(value for value in Distance.values if value != ALL_FRANCE)
BATCH_SIZE = 5000
OVERSEAS_PREFIXES = ("97", "98")


def territory_of(department_code: str) -> str:
    """Metropolitan France (Corsica included) is one territory; each overseas département or collectivity its own."""
    return department_code if department_code.startswith(OVERSEAS_PREFIXES) else METROPOLE


def within_radius(distance_km: float, radius_km: int) -> bool:
    """The rule's distance test: at the radius exactly, it matches."""
    return radius_km == ALL_FRANCE or distance_km <= radius_km


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / CELL_DEGREES), math.floor(longitude / CELL_DEGREES)


def _box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, float, float]:
    """A latitude/longitude box that holds every point within `radius_km` (a little more, never less)."""
    dlat = radius_km / KM_PER_DEGREE + 1e-6
    widest = min(89.0, abs(latitude) + dlat)
    dlon = min(180.0, radius_km / (KM_PER_DEGREE * math.cos(math.radians(widest))) + 1e-6)
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


class Grid:
    """Points bucketed by cells of CELL_DEGREES, to compare a point only with its neighbours."""

    def __init__(self, points: Iterable[tuple[int, float, float, str]]):
        self.cells: dict[tuple[int, int], list[tuple[int, float, float, str]]] = defaultdict(list)
        for point in points:
            self.cells[_cell(point[1], point[2])].append(point)

    def near(self, latitude: float, longitude: float, radius_km: float) -> Iterator[tuple[int, float, float, str]]:
        south, north, west, east = _box(latitude, longitude, radius_km)
        (row_min, col_min), (row_max, col_max) = _cell(south, west), _cell(north, east)
        cells = self.cells
        for row in range(row_min, row_max + 1):
            for col in range(col_min, col_max + 1):
                yield from cells.get((row, col), ())


def pairs_near(
    point_id: int, latitude: float, longitude: float, territory: str, radius_km: int, grid: Grid, *, candidate: bool
) -> Iterator[tuple[int, int, float]]:
    """(candidate_id, structure_id, distance) of the pairs of one point with the grid of the other side."""
    for other_id, other_lat, other_lon, other_territory in grid.near(latitude, longitude, radius_km):
        if other_territory != territory:
            continue
        distance = haversine_km(latitude, longitude, other_lat, other_lon)
        if within_radius(distance, radius_km):
            yield (point_id, other_id, distance) if candidate else (other_id, point_id, distance)


def _candidates_with_radius():
    return (
        Candidate.objects.matchable()
        .exclude(max_distance_km=ALL_FRANCE)
        .filter(latitude__isnull=False, longitude__isnull=False)
    )


def _structures():
    return HostStructure.objects.filter(
        status=StructureStatus.VALIDATED, latitude__isnull=False, longitude__isnull=False
    )


def _structure_points(queryset=None) -> list[tuple[int, float, float, str]]:
    return list((queryset or _structures()).values_list("id", "latitude", "longitude", "territory"))


def compute_all_pairs() -> Iterator[tuple[int, int, float]]:
    grid = Grid(_structure_points())
    rows = _candidates_with_radius().values_list("id", "latitude", "longitude", "territory", "max_distance_km")
    for candidate_id, latitude, longitude, territory, radius in rows.iterator(chunk_size=10000):
        yield from pairs_near(candidate_id, latitude, longitude, territory, radius, grid, candidate=True)


def _insert(pairs: Iterable[tuple[int, int, float]]) -> int:
    table = MatchPair._meta.db_table
    count = 0
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(
                f"COPY {table} (candidate_id, structure_id, distance_km) FROM STDIN"
            ) as copy,
        ):
            for pair in pairs:
                copy.write_row(pair)
                count += 1
        return count
    batch = []
    for candidate_id, structure_id, distance in pairs:
        batch.append(MatchPair(candidate_id=candidate_id, structure_id=structure_id, distance_km=distance))
        if len(batch) >= BATCH_SIZE:
            MatchPair.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    MatchPair.objects.bulk_create(batch)
    return count + len(batch)


def rebuild_pairs() -> int:
    """Recompute every pair from scratch; returns how many there are."""
    with transaction.atomic():
        table = MatchPair._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")
        return _insert(compute_all_pairs())


def update_candidate_pairs(candidate_id: int) -> int:
    """Recompute one candidate's pairs against the structures around them."""
    with transaction.atomic():
        MatchPair.objects.filter(candidate_id=candidate_id).delete()
        row = (
            _candidates_with_radius()
            .filter(pk=candidate_id)
            .values_list("latitude", "longitude", "territory", "max_distance_km")
        )
        if not row:
            return 0
        latitude, longitude, territory, radius = row[0]
        south, north, west, east = _box(latitude, longitude, radius)
        nearby = _structures().filter(
            territory=territory, latitude__range=(south, north), longitude__range=(west, east)
        )
        grid = Grid(_structure_points(nearby))
        return _insert(pairs_near(candidate_id, latitude, longitude, territory, radius, grid, candidate=True))


def update_structure_pairs(structure_id: int) -> int:
    """Recompute one structure's pairs against the candidates around it, each with their own radius."""
    with transaction.atomic():
        MatchPair.objects.filter(structure_id=structure_id).delete()
        row = _structures().filter(pk=structure_id).values_list("latitude", "longitude", "territory")
        if not row:
            return 0
        latitude, longitude, territory = row[0]
        rows = []
        for radius in Distance.values:
            if radius == ALL_FRANCE:
                continue
            south, north, west, east = _box(latitude, longitude, radius)
            rows.extend(
                _candidates_with_radius()
                .filter(
                    max_distance_km=radius,
                    territory=territory,
                    latitude__range=(south, north),
                    longitude__range=(west, east),
                )
                .values_list("id", "latitude", "longitude", "max_distance_km")
            )
        pairs = []
        for candidate_id, candidate_lat, candidate_lon, radius in rows:
            distance = haversine_km(candidate_lat, candidate_lon, latitude, longitude)
            if within_radius(distance, radius):
                pairs.append((candidate_id, structure_id, distance))
        return _insert(pairs)
