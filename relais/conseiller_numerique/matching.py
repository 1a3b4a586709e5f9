"""The matching rule of the seed, exact and incremental.

A candidate and a structure match when the candidate is confirmed and available, the structure validated, both
in the same territory (metropolitan France, or the same overseas territory), the great-circle distance between
their communes' centres is at most the candidate's maximum distance ("toute la France": any distance), and the
candidate is available by the mission's start (by today once the mission has started).

Only the part that does not move with the calendar is stored: `MatchPair` holds the pairs within radius, for
candidates with a radius. The date part and the candidates of "toute la France" (tens of millions of pairs, all
decided by the territory alone) are applied when a structure's list is read (`Candidate.objects.matching_structure`).
A change of a candidate or a structure recomputes that one's pairs (`update_candidate_pairs`,
`update_structure_pairs`, run by tasks); `rebuild_pairs` recomputes them all.

The distance test is decided in one place, the SQL statement of `_insert_pairs`, for the full rebuild and for
the incremental updates alike: the database joins each candidate with the structures of their territory inside a
latitude/longitude box that holds their radius (an index range on the structures' latitude), computes the haversine
distance and keeps those at most the radius (at the radius exactly, it matches). Doing it in the database keeps the
tens of millions of pairs of a national rebuild out of Python.
"""

import math

from django.db import connection, transaction

from relais.territories.geometry import EARTH_RADIUS_KM

from .enums import ALL_FRANCE, METROPOLE, CandidateStatus, Distance, StructureStatus
from .models import Candidate, HostStructure, MatchPair

KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
RADII = tuple(value for value in Distance.values if value != ALL_FRANCE)
# The boxes are widened by this much (degrees) so that float rounding never leaves a pair out of them.
BOX_MARGIN = 1e-6
# Parameters typed for PostgreSQL, which would otherwise compute with slow `numeric` values.
R, K, M = (f"CAST(%({name})s AS DOUBLE PRECISION)" for name in ("radius", "km_per_degree", "margin"))
OVERSEAS_PREFIXES = ("97", "98")


def territory_of(department_code: str) -> str:
    """Metropolitan France (Corsica included) is one territory; each overseas département or collectivity its own."""
    return department_code if department_code.startswith(OVERSEAS_PREFIXES) else METROPOLE


def distance_sql(lat_a: str, lon_a: str, lat_b: str, lon_b: str) -> str:
    """The haversine distance in km between two points, in SQL (the same text for every use)."""
    return (
        f"2 * {R} * ASIN(SQRT("
        f"POWER(SIN(RADIANS({lat_b} - {lat_a}) / 2), 2)"
        f" + COS(RADIANS({lat_a})) * COS(RADIANS({lat_b})) * POWER(SIN(RADIANS({lon_b} - {lon_a}) / 2), 2)"
        f"))"
    )


def distance_km(candidate: tuple[float, float], structure: tuple[float, float]) -> float:
    """The distance the rule uses between a candidate's and a structure's centres (for explanations and tests)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + distance_sql(*(f"CAST(%({name})s AS DOUBLE PRECISION)" for name in ("lat_a", "lon_a", "lat_b", "lon_b"))),
            {
                "radius": EARTH_RADIUS_KM,
                "lat_a": candidate[0],
                "lon_a": candidate[1],
                "lat_b": structure[0],
                "lon_b": structure[1],
            },
        )
        return cursor.fetchone()[0]


def _sql(where: str) -> str:
    pair, candidate, structure = (model._meta.db_table for model in (MatchPair, Candidate, HostStructure))
    distance = distance_sql("c.latitude", "c.longitude", "s.latitude", "s.longitude")
    # Longitude half-width of a box of r km around latitude φ: r / (km per degree × cos(|φ| + r/km per degree)),
    # the widest point of the box; capped at 89° of latitude (no commune is that close to a pole).
    return f"""
        INSERT INTO {pair} (candidate_id, structure_id)
        SELECT candidate_id, structure_id FROM (
            SELECT c.id AS candidate_id, s.id AS structure_id, c.max_distance_km AS radius, {distance} AS distance
            FROM {candidate} c
            JOIN {structure} s
              ON s.territory = c.territory
             AND s.status = %(validated)s
             AND s.latitude BETWEEN c.latitude - c.max_distance_km / {K} - {M}
                                AND c.latitude + c.max_distance_km / {K} + {M}
             AND ABS(s.longitude - c.longitude) <= c.max_distance_km / ({K} * COS(RADIANS(
                     CASE WHEN ABS(c.latitude) + c.max_distance_km / {K} > 89 THEN 89
                          ELSE ABS(c.latitude) + c.max_distance_km / {K} END))) + {M}
            WHERE c.status = %(available)s
              AND c.confirmed_at IS NOT NULL
              AND c.max_distance_km > 0
              AND c.latitude IS NOT NULL AND c.longitude IS NOT NULL
              AND s.longitude IS NOT NULL
              {where}
        ) AS candidate_pairs
        WHERE distance <= radius
    """


def _insert_pairs(where: str = "", **params) -> int:
    values = {
        "radius": EARTH_RADIUS_KM,
        "validated": StructureStatus.VALIDATED,
        "available": CandidateStatus.AVAILABLE,
        "km_per_degree": KM_PER_DEGREE,
        "margin": BOX_MARGIN,
        **params,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(where), values)
        return cursor.rowcount


def rebuild_pairs() -> int:
    """Recompute every pair from scratch; returns how many there are. The table's indexes are dropped during the
    insert and built again after it, at once (far faster than maintaining them row by row); the transaction hides
    the work from the readers, who see the former pairs until it commits (PostgreSQL; SQLite writes them as they
    come)."""
    table = MatchPair._meta.db_table
    constraints, indexes = MatchPair._meta.constraints, MatchPair._meta.indexes
    if connection.vendor != "postgresql":
        with transaction.atomic():
            MatchPair.objects.all().delete()
            return _insert_pairs()
    with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
        for constraint in constraints:
            editor.remove_constraint(MatchPair, constraint)
        for index in indexes:
            editor.remove_index(MatchPair, index)
        count = _insert_pairs()
        for constraint in constraints:
            editor.add_constraint(MatchPair, constraint)
        for index in indexes:
            editor.add_index(MatchPair, index)
        with connection.cursor() as cursor:
            # Fresh statistics for the planner at once (autovacuum would take its time after a bulk reload): a
            # structure's list must be read from its pairs' index.
            cursor.execute(f"ANALYZE {table}")
    return count


def update_candidate_pairs(candidate_id: int) -> int:
    """Recompute one candidate's pairs against the structures around them."""
    with transaction.atomic():
        MatchPair.objects.filter(candidate_id=candidate_id).delete()
        return _insert_pairs("AND c.id = %(candidate_id)s", candidate_id=candidate_id)


def update_structure_pairs(structure_id: int) -> int:
    """Recompute one structure's pairs against the candidates around it, each with their own radius: for each
    radius, the candidates of that radius in the structure's territory inside the latitude band of that radius
    (one range of the candidates' index each)."""
    with transaction.atomic():
        MatchPair.objects.filter(structure_id=structure_id).delete()
        place = HostStructure.objects.filter(pk=structure_id).values_list("latitude", "territory").first()
        if place is None or place[0] is None:
            return 0
        latitude, territory = place
        bands = " OR ".join(
            f"(c.max_distance_km = {radius} AND c.latitude BETWEEN CAST(%(south_{radius})s AS DOUBLE PRECISION)"
            f" AND CAST(%(north_{radius})s AS DOUBLE PRECISION))"
            for radius in RADII
        )
        bounds = {}
        for radius in RADII:
            reach = radius / KM_PER_DEGREE + BOX_MARGIN
            bounds[f"south_{radius}"], bounds[f"north_{radius}"] = latitude - reach, latitude + reach
        return _insert_pairs(
            f"AND s.id = %(structure_id)s AND c.territory = %(territory)s AND ({bands})",
            structure_id=structure_id,
            territory=territory,
            **bounds,
        )
