"""The matching rule of the seed, exact and incremental.

A candidate and a structure match when the candidate is confirmed and available, the structure validated, both
in the same territory (metropolitan France, or the same overseas territory), the great-circle distance between
their communes' centres is at most the candidate's maximum distance ("toute la France": any distance), and the
candidate is available by the mission's start (by today once the mission has started).

Only the part that does not move with the calendar is stored: `MatchPair` holds the pairs within radius, for
candidates with a radius up to 40 km (`STORED_RADIUS_MAX_KM`), with their distance and the candidate's availability
date (a structure's list reads them nearest first from an index, and counts them there). The date part, the
candidates of 100 km (their pairs would be two thirds of all: a structure's list finds them in the box of 100 km
around it, and tests the same distance) and those of "toute la France" (tens of millions of pairs, all decided by
the territory alone) are applied when a structure's list is read (`Candidate.objects.matching_parts`). A change of
a candidate or a structure recomputes that one's pairs (`update_candidate_pairs`, `update_structure_pairs`, run by
tasks) and writes only the differences; what must not wait for the task (a candidate who stops matching, a new
availability date) is applied in the change's own transaction (`sync_candidate`); `rebuild_pairs` recomputes them
all.

The distance test of the stored pairs is decided in one place, the SQL query of `_pairs_sql`, for the full rebuild
and for the incremental updates alike (the list's test of the candidates of 100 km computes the same distance by
the same operations, `querysets.distance_expression`): the database joins each candidate with the structures of
their territory inside a latitude/longitude box that holds their radius (an index range on the structures'
latitude), computes the haversine distance and keeps those at most the radius (at the radius exactly, it matches).
Doing it in the database keeps the millions of pairs of a national rebuild out of Python. The PostgreSQL rebuild
narrows the same query from the structures' side (`_structure_bands`), so that each structure's pairs lie together
in the table.
"""

import math
import os

from django.db import connection, transaction

from relais.territories.geometry import BOX_MARGIN, EARTH_RADIUS_KM, KM_PER_DEGREE

from .enums import METROPOLE, STORED_RADIUS_MAX_KM, CandidateStatus, Distance, StructureStatus
from .models import Candidate, HostStructure, MatchPair

# The radii whose pairs are stored ("toute la France" is 0).
RADII = tuple(value for value in Distance.values if 0 < value <= STORED_RADIUS_MAX_KM)
STORED = f"c.max_distance_km > 0 AND c.max_distance_km <= {STORED_RADIUS_MAX_KM}"
# Parameters typed for PostgreSQL, which would otherwise compute with slow `numeric` values.
R, K, M = (f"CAST(%({name})s AS DOUBLE PRECISION)" for name in ("radius", "km_per_degree", "margin"))
OVERSEAS_PREFIXES = ("97", "98")
# What the stored pairs read of a candidate and of a structure (`_pairs_sql`): a change of anything else (the
# mission's start, the posts granted) leaves them as they are, and needs no recomputation; the availability date they
# carry is copied at once by `sync_candidate`, without one.
CANDIDATE_INPUTS = ("status", "confirmed_at", "territory", "latitude", "longitude", "max_distance_km")
STRUCTURE_INPUTS = ("status", "territory", "latitude", "longitude")


def territory_of(department_code: str) -> str:
    """Metropolitan France (Corsica included) is one territory; each overseas département or collectivity its own."""
    return department_code if department_code.startswith(OVERSEAS_PREFIXES) else METROPOLE


def pair_inputs(instance: Candidate | HostStructure) -> tuple:
    """The values of `instance` its pairs depend on: when they have not changed, its pairs have not either."""
    names = CANDIDATE_INPUTS if isinstance(instance, Candidate) else STRUCTURE_INPUTS
    return tuple(getattr(instance, name) for name in names)


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


def _box(c: str = "c") -> dict[str, str]:
    """The box of candidate `c`: the latitudes and longitudes their radius can reach, a superset of their circle by
    the margin (the rule itself is the distance). Longitude half-width of a box of r km around latitude φ:
    r / (km per degree × cos(|φ| + r/km per degree)), the widest point of the box; capped at 89° of latitude (no
    commune is that close to a pole)."""
    half_width = (
        f"({c}.max_distance_km / ({K} * COS(RADIANS(CASE WHEN ABS({c}.latitude) + {c}.max_distance_km / {K} > 89"
        f" THEN 89 ELSE ABS({c}.latitude) + {c}.max_distance_km / {K} END))) + {M})"
    )
    return {
        "lat_min": f"{c}.latitude - {c}.max_distance_km / {K} - {M}",
        "lat_max": f"{c}.latitude + {c}.max_distance_km / {K} + {M}",
        "lon_min": f"{c}.longitude - {half_width}",
        "lon_max": f"{c}.longitude + {half_width}",
    }


def _pairs_sql(where: str, *, sources: str = "", boxes_stored: bool = False) -> str:
    """The pairs within radius, `candidate_id, structure_id, distance_km, available_from` (the candidate's date,
    carried): the rule's one decision. `sources`: the FROM clause instead of the candidates' and structures' tables
    (`c` the candidates, `s` the structures, with the same columns: the rebuilds' copies), with `where` narrowing it
    to a superset of the rule's boxes (the PostgreSQL rebuild's); `boxes_stored`: `c` carries its box in columns
    `lat_min`, `lat_max`, `lon_min`, `lon_max` (the SQLite rebuild's copy), computed once per candidate instead of
    once per structure visited."""
    candidate, structure = Candidate._meta.db_table, HostStructure._meta.db_table
    distance = distance_sql("c.latitude", "c.longitude", "s.latitude", "s.longitude")
    box = {name: f"c.{name}" for name in ("lat_min", "lat_max", "lon_min", "lon_max")} if boxes_stored else _box()
    # SQLite: the distance computed once per pair. Merged into the outer query (SQLite flattens the subquery), it
    # would be computed twice for each pair kept, once for the test and once for the value stored (4 of 24 s of the
    # rebuild). A subquery with a LIMIT or an OFFSET is neither merged nor given the outer conditions; this one limits
    # nothing. PostgreSQL keeps its plan (the parallel rebuild's).
    apart = "LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else ""
    # CROSS JOIN: SQLite then keeps the candidates outside and looks up each one's box in the structures' index (left
    # to itself, it may take each structure against every candidate); PostgreSQL orders the join as it likes.
    return f"""
        SELECT candidate_id, structure_id, distance_km, available_from FROM (
            SELECT c.id AS candidate_id, s.id AS structure_id, c.max_distance_km AS radius, {distance} AS distance_km,
                   c.available_from AS available_from
            FROM {sources or f"{candidate} c CROSS JOIN {structure} s"}
            WHERE s.territory = c.territory
              AND s.status = %(validated)s
              AND s.latitude BETWEEN {box["lat_min"]} AND {box["lat_max"]}
              AND s.longitude BETWEEN {box["lon_min"]} AND {box["lon_max"]}
              AND c.status = %(available)s
              AND c.confirmed_at IS NOT NULL
              AND {STORED}
              AND c.latitude IS NOT NULL AND c.longitude IS NOT NULL
              AND s.longitude IS NOT NULL
              {where}
            {apart}
        ) AS candidate_pairs
        WHERE distance_km <= radius
    """


def _params(**params) -> dict:
    return {
        "radius": EARTH_RADIUS_KM,
        "validated": StructureStatus.VALIDATED,
        "available": CandidateStatus.AVAILABLE,
        "km_per_degree": KM_PER_DEGREE,
        "margin": BOX_MARGIN,
        **params,
    }


COLUMNS = "candidate_id, structure_id, distance_km, available_from"


def rebuild_pairs() -> int:
    """Recompute every pair from scratch; returns how many there are. Readers see the former pairs until the new
    ones are complete (one transaction); the incremental updates that come meanwhile wait for it, then apply."""
    if connection.vendor != "postgresql":
        return _rebuild_sqlite()
    count = _rebuild_postgresql()
    if not connection.in_atomic_block:
        # The visibility map of the new table (a vacuum cannot run in a transaction): a structure's list and its
        # count then read its pairs from the index alone, never from the table where they lie one per page.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {MatchPair._meta.db_table}")
    return count


STRUCTURES_COPY = "cn_rebuild_structures"
CANDIDATES_COPY = "cn_rebuild_candidates"
CANDIDATE_BOXES = "cn_rebuild_candidate_boxes"
STRIPS = "cn_rebuild_strips"


def _copy(cursor, name: str, model, columns: tuple, index: tuple = ()) -> str:
    """A copy of the columns of `model` the rule reads, indexed on `index`: a box is then one range of that index
    with the longitude checked in the index, where the model's own index (down to the latitude) would hand over a
    band across the whole territory, each row fetched for its longitude. Temporary on SQLite; on PostgreSQL an
    unlogged table (dropped before the commit), which the parallel workers of the rebuild can read, unlike a
    temporary one. The rows lie in the order of that index: a range of it then reads a few pages of the table,
    where rows in the model's order would cost a page per row (on PostgreSQL, the rebuild's query read 1.2 million
    pages instead of 11.9 million, 9.0 s instead of 12.0 s; on SQLite, whose copy has no key and fetches each row
    for its id, the rebuild took 24.5 s instead of 32 to 36 s). Returns its name."""
    kind = "UNLOGGED" if connection.vendor == "postgresql" else "TEMPORARY"
    order = f" ORDER BY {', '.join(index)}" if index else ""
    cursor.execute(f"CREATE {kind} TABLE {name} AS SELECT {', '.join(columns)} FROM {model._meta.db_table}{order}")
    if index:
        cursor.execute(f"CREATE INDEX {name}_place ON {name} ({', '.join(index)})")
    cursor.execute(f"ANALYZE {name}")
    return name


def _structure_bands() -> tuple[str, str]:
    """The PostgreSQL rebuild's FROM clause and narrowing: each structure (outside) with each radius, and the
    candidates of that radius in the structure's latitude band and in the longitudes any of their boxes can reach
    (one range of the candidates' copy each, as `update_structure_pairs` reads them; the rule then decides). The
    pairs come out structure after structure: each structure's pairs lie together in the table, and its move later
    rewrites a few pages instead of one page per pair (the table read candidate after candidate put them all over
    it)."""
    radii = ", ".join(f"({radius})" for radius in RADII)
    reach = f"(r.km / {K} + {M})"
    # The widest box of a candidate of the band: its half-width at the band's farthest latitude from the equator.
    half_width = f"(r.km / ({K} * COS(RADIANS(LEAST(89, ABS(s.latitude) + r.km / {K} + {reach})))) + 2 * {M})"
    sources = f"{STRUCTURES_COPY} s CROSS JOIN (VALUES {radii}) AS r(km) CROSS JOIN {CANDIDATES_COPY} c"
    where = (
        f"AND c.max_distance_km = r.km AND c.latitude BETWEEN s.latitude - {reach} AND s.latitude + {reach}"
        f" AND c.longitude BETWEEN s.longitude - {half_width} AND s.longitude + {half_width}"
    )
    return sources, where


def _rebuild_sqlite() -> int:
    """Emptied (SQLite's truncation), the secondary index dropped, the pairs inserted, the index built at once: far
    faster than maintaining it row by row. Readers keep their snapshot of the former pairs (WAL)."""
    table = MatchPair._meta.db_table
    editor = connection.schema_editor()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        for index in MatchPair._meta.indexes:
            cursor.execute(f"DROP INDEX {editor.quote_name(index.name)}")
        # The structures in strips of one degree of longitude, indexed by strip then latitude: a candidate's box is
        # then a latitude range in each strip it crosses (one to four), where an index on the latitude alone hands
        # over the whole band across the territory, each structure checked for its longitude. The id ends the index:
        # the query then reads the structures in the index alone (rebuild 24.5 → 22.5 s).
        structures = _copy(
            cursor,
            STRUCTURES_COPY,
            HostStructure,
            ("id",) + STRUCTURE_INPUTS + ("CAST(FLOOR(longitude) AS INTEGER) AS strip",),
            index=("territory", "status", "strip", "latitude", "longitude", "id"),
        )
        cursor.execute(f"CREATE TEMPORARY TABLE {STRIPS} (n INTEGER PRIMARY KEY)")
        cursor.execute(
            f"""WITH RECURSIVE strips(n) AS (
                SELECT MIN(strip) FROM {structures} UNION ALL
                SELECT n + 1 FROM strips WHERE n < (SELECT MAX(strip) FROM {structures})
            ) INSERT INTO {STRIPS} SELECT n FROM strips WHERE n IS NOT NULL"""
        )
        # The candidates who may match, each with their box computed once: SQLite would otherwise compute the box's
        # longitudes again for each structure of the latitude band it visits (some 55 million times). In the order
        # of their ids: the pairs then come in the key's order, and the key's index, kept during the insertion,
        # grows at its end instead of everywhere at once.
        box = ", ".join(f"{expression} AS {name}" for name, expression in _box().items())
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {CANDIDATE_BOXES} AS
            SELECT c.id, c.status, c.confirmed_at, c.territory, c.latitude, c.longitude, c.max_distance_km,
                   c.available_from, {box}
            FROM {Candidate._meta.db_table} c
            WHERE c.status = %(available)s AND c.confirmed_at IS NOT NULL AND {STORED}
              AND c.latitude IS NOT NULL AND c.longitude IS NOT NULL
            ORDER BY c.id""",
            _params(),
        )
        sources = f"{CANDIDATE_BOXES} c CROSS JOIN {STRIPS} g CROSS JOIN {structures} s"
        in_strips = "AND g.n BETWEEN FLOOR(c.lon_min) AND FLOOR(c.lon_max) AND s.strip = g.n"
        pairs = _pairs_sql(in_strips, sources=sources, boxes_stored=True)
        cursor.execute(f"INSERT INTO {table} ({COLUMNS}) {pairs}", _params())
        count = cursor.rowcount
        cursor.execute(f"DROP TABLE {structures}")
        cursor.execute(f"DROP TABLE {CANDIDATE_BOXES}")
        cursor.execute(f"DROP TABLE {STRIPS}")
        # The index's sort on several threads (SQLite's sorter; none by default): 8 s → 6 s on two cores.
        cursor.execute("PRAGMA threads")
        threads = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        try:
            for index in MatchPair._meta.indexes:
                cursor.execute(str(index.create_sql(MatchPair, editor)))
        finally:
            cursor.execute(f"PRAGMA threads = {int(threads)}")
    return count


def _rebuild_postgresql() -> int:
    """Built into a new table, indexed at once, then put in the place of the former one at the commit: readers
    read the former pairs all along (they wait only for the final swap, a few milliseconds), the incremental updates
    wait (EXCLUSIVE lock: reads pass, writes wait) and then apply to the new table."""
    table = MatchPair._meta.db_table
    build = f"{table}_build"
    editor = connection.schema_editor()
    key_columns = ", ".join(editor.quote_name(field.column) for field in MatchPair._meta.pk_fields)
    with transaction.atomic(), connection.cursor() as cursor:
        # Each index sorted in memory whatever the server's default; no wait for the disk at the commit (derived
        # data: a crash in that instant loses a rebuild, not a fact).
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'", [table])
        (primary_key,) = cursor.fetchone()
        # The table's own settings (its autovacuum's, migration 0005) go to the table that takes its place.
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table])
        (settings,) = cursor.fetchone()
        # Copies without an index on the structures: the plan can then only take the structures outside.
        structures = _copy(cursor, STRUCTURES_COPY, HostStructure, ("id",) + STRUCTURE_INPUTS)
        candidates = _copy(
            cursor,
            CANDIDATES_COPY,
            Candidate,
            ("id", "available_from") + CANDIDATE_INPUTS,
            index=("territory", "max_distance_km", "latitude", "longitude"),
        )
        # Ten thousand structures fit in less than a parallel scan's minimum size; their pairs are the work.
        cursor.execute("SET LOCAL min_parallel_table_scan_size = 0")
        sources, narrowing = _structure_bands()
        # CREATE TABLE AS, not INSERT … SELECT: its query may run in parallel workers (each takes part of the
        # structures; the columns come out in the model's order and types). Unlogged while it is filled: the
        # leader, which gathers the workers' rows and writes them, would otherwise also journal each one while the
        # workers wait for it (filled logged: 19.7 s; unlogged: 10.2 s, then 4.9 s to make it logged). Then made
        # logged (before the commit, so a crash or a standby never loses it), its columns outside the key declared
        # NOT NULL and its key built, in one ALTER: the rows are checked while they are copied into the journaled
        # table instead of read again (11.1–11.9 s against 11.2–12.2 s for SET LOGGED then an ALTER for the rest,
        # measured one after the other).
        cursor.execute(f"CREATE UNLOGGED TABLE {build} AS {_pairs_sql(narrowing, sources=sources)}", _params())
        count = cursor.rowcount
        cursor.execute(f"DROP TABLE {structures}, {candidates}")
        others = [
            field.column
            for field in MatchPair._meta.concrete_fields
            if field.name not in MatchPair._meta.pk.field_names
        ]
        cursor.execute(
            f"ALTER TABLE {build} SET LOGGED, "
            + (f"SET ({', '.join(settings)}), " if settings else "")
            + "".join(f"ALTER COLUMN {editor.quote_name(column)} SET NOT NULL, " for column in others)
            + f"ADD CONSTRAINT {build}_pkey PRIMARY KEY ({key_columns})"
        )
        indexes = [(index, index.clone()) for index in MatchPair._meta.indexes]
        for index, building in indexes:
            building.name = f"{index.name}_build"
            statement = building.create_sql(MatchPair, editor)
            statement.rename_table_references(table, build)
            cursor.execute(str(statement))
        cursor.execute(f"ANALYZE {build}")
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {build} RENAME TO {table}")
        cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {build}_pkey TO {primary_key}")
        for index, building in indexes:
            cursor.execute(f"ALTER INDEX {building.name} RENAME TO {index.name}")
    return count


def _replace_pairs(scope: str, scope_id: int, where: str, **params) -> int:
    """Make the stored pairs of one candidate or one structure (`scope`: the column) those the rule computes now:
    delete the pairs gone, insert the new ones, correct the distances that moved, and write nothing when nothing
    changed. Returns how many pairs it has."""
    table = MatchPair._meta.db_table
    wanted = _pairs_sql(where)
    values = _params(scope_id=scope_id, **params)
    # Its own transaction (a task's), not part of one that saves a fact: see below.
    alone = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if alone:
                # No wait for the disk at the commit (a move writes a few megabytes of journal, full pages first
                # touched since the last checkpoint): derived data, and the task's own completion, committed just
                # after and waited for, puts this commit on disk with it. A server crash in between loses this
                # recomputation and leaves the task unfinished; the nightly rebuild restores the pairs anyway.
                cursor.execute("SET LOCAL synchronous_commit = off")
            # The writer's lock first: the statement below reads the table before writing it, and a reader's lock
            # held while waiting for a rebuild would block the rebuild's swap (a deadlock).
            cursor.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")
            # One statement: the pairs wanted and the pairs stored (read along the scope's own index, each with its
            # row's address), compared once (a hash join), and only the differences written. The rows to delete or
            # correct are reached by their address: never a probe of the key per pair, whose leaves lie all over
            # the key's index. A row that another transaction changed (`sync_candidate`) after this statement's
            # snapshot has a new address and is missed: the statement runs again, and its new snapshot sees that
            # change (each run misses only the rows changed during it).
            statement = f"""
                WITH wanted AS MATERIALIZED ({wanted}),
                stored AS MATERIALIZED (
                    SELECT ctid AS stored_row, {COLUMNS} FROM {table} WHERE {scope} = %(scope_id)s
                ),
                diff AS MATERIALIZED (
                    SELECT COALESCE(w.candidate_id, s.candidate_id) AS candidate_id,
                           COALESCE(w.structure_id, s.structure_id) AS structure_id,
                           s.stored_row, w.distance_km AS wanted_km, w.available_from
                    FROM wanted w
                    FULL JOIN stored s ON s.candidate_id = w.candidate_id AND s.structure_id = w.structure_id
                    WHERE (w.distance_km, w.available_from) IS DISTINCT FROM (s.distance_km, s.available_from)
                ),
                gone AS (
                    DELETE FROM {table} p USING diff d
                    WHERE p.ctid = d.stored_row AND d.wanted_km IS NULL AND p.{scope} = %(scope_id)s
                    RETURNING 1
                ),
                moved AS (
                    UPDATE {table} p SET distance_km = d.wanted_km, available_from = d.available_from FROM diff d
                    WHERE p.ctid = d.stored_row AND d.wanted_km IS NOT NULL AND p.{scope} = %(scope_id)s
                    RETURNING 1
                ),
                added AS (
                    INSERT INTO {table} ({COLUMNS})
                    SELECT candidate_id, structure_id, wanted_km, available_from FROM diff WHERE stored_row IS NULL
                    ON CONFLICT DO NOTHING
                )
                SELECT (SELECT COUNT(*) FROM wanted),
                       (SELECT COUNT(*) FROM diff WHERE stored_row IS NOT NULL)
                       - (SELECT COUNT(*) FROM gone) - (SELECT COUNT(*) FROM moved)
                """
            missed = True
            while missed:
                cursor.execute(statement, values)
                count, missed = cursor.fetchone()
            return count
        # Keyed as the pairs, with their types: the deletion below looks each stored pair up in it (a column without
        # a type compares as a number with the pairs' integers, which its key, holding values of no type, cannot
        # serve: SQLite would read the whole table for each stored pair).
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS cn_pair_wanted (candidate_id INTEGER NOT NULL,"
            " structure_id INTEGER NOT NULL, distance_km REAL NOT NULL, available_from DATE NOT NULL,"
            " PRIMARY KEY (candidate_id, structure_id)) WITHOUT ROWID"
        )
        cursor.execute("DELETE FROM temp.cn_pair_wanted")
        cursor.execute(f"INSERT INTO temp.cn_pair_wanted ({COLUMNS}) {wanted}", values)
        count = cursor.rowcount
        cursor.execute(
            f"""
            DELETE FROM {table} WHERE {scope} = %(scope_id)s AND NOT EXISTS (
                SELECT 1 FROM temp.cn_pair_wanted w
                WHERE w.candidate_id = {table}.candidate_id AND w.structure_id = {table}.structure_id
            )
            """,
            {"scope_id": scope_id},
        )
        cursor.execute(
            f"""
            INSERT INTO {table} ({COLUMNS}) SELECT {COLUMNS} FROM temp.cn_pair_wanted WHERE true
            ON CONFLICT (candidate_id, structure_id)
            DO UPDATE SET distance_km = excluded.distance_km, available_from = excluded.available_from
            WHERE distance_km <> excluded.distance_km OR available_from <> excluded.available_from
            """
        )
        cursor.execute("DELETE FROM temp.cn_pair_wanted")
        return count


def sync_candidate(candidate: Candidate) -> None:
    """What of a candidate's pairs must follow a change of theirs at once, in the transaction that saves it (their
    recomputation is a task that comes after the commit): a candidate who no longer matches (unavailable, recruited)
    or whose radius is no longer stored has no pairs, and the pairs carry the candidate's availability date. A
    structure's list reads its pairs alone; whoever changes a candidate's status, radius or availability date calls
    this. During a PostgreSQL rebuild it waits for
    the new table, then writes there (as the recomputations do)."""
    pairs = MatchPair.objects.filter(candidate_id=candidate.pk)
    stored = 0 < candidate.max_distance_km <= STORED_RADIUS_MAX_KM
    if candidate.status != CandidateStatus.AVAILABLE or candidate.confirmed_at is None or not stored:
        # A radius no longer stored (100 km, "toute la France"): the list finds the candidate around the structure
        # from now on, and their pairs would list them twice.
        pairs.delete()
    else:
        pairs.exclude(available_from=candidate.available_from).update(available_from=candidate.available_from)


def update_candidate_pairs(candidate_id: int) -> int:
    """Recompute one candidate's pairs against the structures around them."""
    return _replace_pairs("candidate_id", candidate_id, "AND c.id = %(scope_id)s")


def update_structure_pairs(structure_id: int) -> int:
    """Recompute one structure's pairs against the candidates around it, each with their own radius: for each
    radius, the candidates of that radius in the structure's territory inside the latitude band of that radius and
    the longitudes any of their boxes can reach from it (one range of the candidates' index each, the longitude
    checked in the index: the rule's own box test then sees only those)."""
    place = HostStructure.objects.filter(pk=structure_id).values_list("latitude", "longitude", "territory").first()
    if place is None or place[0] is None or place[1] is None:
        MatchPair.objects.filter(structure_id=structure_id).delete()
        return 0
    latitude, longitude, territory = place
    band = (
        "{alias}.max_distance_km = {radius}"
        " AND {alias}.latitude BETWEEN CAST(%(south_{radius})s AS DOUBLE PRECISION)"
        " AND CAST(%(north_{radius})s AS DOUBLE PRECISION)"
        " AND {alias}.longitude BETWEEN CAST(%(west_{radius})s AS DOUBLE PRECISION)"
        " AND CAST(%(east_{radius})s AS DOUBLE PRECISION)"
    )
    if connection.vendor == "postgresql":
        # One bitmap of the six ranges, then the candidates' rows.
        candidates = (
            "c.territory = %(territory)s AND ("
            + " OR ".join(f"({band.format(alias='c', radius=radius)})" for radius in RADII)
            + ")"
        )
    else:
        # SQLite would read the whole territory: each range on its own, the index alone (it holds the row id).
        candidates = (
            "c.id IN ("
            + " UNION ALL ".join(
                f"SELECT b.id FROM {Candidate._meta.db_table} b WHERE b.territory = %(territory)s"
                f" AND {band.format(alias='b', radius=radius)}"
                for radius in RADII
            )
            + ")"
        )
    bounds = {}
    for radius in RADII:
        reach = radius / KM_PER_DEGREE + BOX_MARGIN
        south, north = latitude - reach, latitude + reach
        # The widest box of a candidate of the band (`_pairs_sql`'s half-width at the band's farthest latitude from
        # the equator), and a margin more: a superset of the rule's boxes, which still decide.
        widest = min(89.0, max(abs(south), abs(north)) + radius / KM_PER_DEGREE)
        half_width = radius / (KM_PER_DEGREE * math.cos(math.radians(widest))) + 2 * BOX_MARGIN
        bounds[f"south_{radius}"], bounds[f"north_{radius}"] = south, north
        bounds[f"west_{radius}"], bounds[f"east_{radius}"] = longitude - half_width, longitude + half_width
    return _replace_pairs(
        "structure_id",
        structure_id,
        f"AND s.id = %(scope_id)s AND {candidates}",
        territory=territory,
        **bounds,
    )
