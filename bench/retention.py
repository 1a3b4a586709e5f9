"""`apply_retention --wet-run` on 1M Conseillers-Entreprises needs of which 300k are past 3 years: time, peak memory
and longest lock.

Usage: .venv/bin/python bench/retention.py [--database-url postgres://…] [--reset] [--needs 1000000]
By default a temporary SQLite file, deleted at the end. On PostgreSQL the database must exist and be empty, or be
emptied with --reset (its `public` schema is dropped and recreated). Tables are created from the current models (no
migrations), then filled by `INSERT … SELECT` over a recursive counter, in the database itself: one solicitation and
one analysis per two needs, one match per need, a position with its reason on one match in five, a message on one
need in ten. 30 % of the analyses (and so of the needs) are older than 3 years, each on an establishment of its own
that never came back; the others are recent.

The command runs in a child process, exactly as the scheduler runs it (`manage.py apply_retention --wet-run`):
wall-clock time, peak resident memory of the child (ru_maxrss), and the longest transaction — on PostgreSQL observed
from outside by polling `pg_stat_activity` every 10 ms (a lock lives at most as long as its transaction), on SQLite
as reported by the command (its write transactions are timed around each batch). Last line:
`RESULT anonymised=… seconds=… peak_mb=… longest_lock_ms=…` (anonymised: needs of anonymised analyses).
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_django import setup_django  # noqa: E402

APPLICATION_NAME = "relais-retention-bench"
OLD_SHARE = 0.3
SUBJECTS = 40
EXPERTS = 200


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL database (empty, or emptied with --reset).")
    parser.add_argument("--reset", action="store_true", help="Drop and recreate the public schema of that database.")
    parser.add_argument("--needs", type=int, default=1_000_000)
    return parser.parse_args()


def reset_schema(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


class Sql:
    """The few expressions that differ between PostgreSQL and SQLite, for INSERT … SELECT over a counter `i`."""

    def __init__(self, vendor: str):
        self.vendor = vendor

    def moment(self, base: str, seconds: str) -> str:
        if self.vendor == "postgresql":
            return f"(TIMESTAMPTZ '{base}' + ({seconds}) * INTERVAL '1 second')"
        return f"strftime('%Y-%m-%d %H:%M:%f', '{base}', '+' || ({seconds}) || ' seconds')"

    def uuid(self) -> str:
        return "gen_random_uuid()" if self.vendor == "postgresql" else "lower(hex(randomblob(16)))"

    def boolean(self, value: bool) -> str:
        return ("TRUE" if value else "FALSE") if self.vendor == "postgresql" else ("1" if value else "0")

    def counter(self, count: int) -> str:
        return f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) "

    def text(self, prefix: str) -> str:
        return f"'{prefix}' || i"


def insert(model, count: int, columns: dict, sql: Sql) -> None:
    """INSERT `count` rows of `model`: `columns` gives SQL expressions of `i`; other fields get their default."""
    from django.db import connection
    from django.db.models import JSONField

    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.name in columns:
            values.append(columns[field.name])
        elif field.null:
            values.append("NULL")
        elif isinstance(field, JSONField):
            values.append("'{}'" if field.default is dict else "'[]'")
        elif field.get_internal_type() == "BooleanField":
            values.append(sql.boolean(bool(field.get_default())))
        elif field.get_internal_type() in ("DateTimeField",):
            values.append(sql.moment("2024-01-01", "0"))
        elif field.get_internal_type() == "UUIDField":
            values.append(sql.uuid())
        elif field.get_internal_type() in ("PositiveSmallIntegerField", "PositiveIntegerField", "IntegerField"):
            values.append(str(field.get_default() or 0))
        else:
            values.append(f"'{field.get_default() or ''}'")
    statement = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(names)}) "
        f"{sql.counter(count)}SELECT {', '.join(values)} FROM n"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)


def fill(needs: int) -> tuple[int, int]:
    """Returns (analyses, old analyses)."""
    from django.db import connection

    from relais.companies.models import Company, Establishment
    from relais.conseillers_entreprises.models import (
        Antenne,
        Diagnosis,
        Expert,
        Institution,
        Match,
        MatchStatusChange,
        Need,
        NeedComment,
        Solicitation,
        Subject,
        Theme,
    )
    from relais.territories.models import Commune, Department, Region

    sql = Sql(connection.vendor)
    diagnoses = needs // 2
    old = int(diagnoses * OLD_SHARE)
    region = Region.objects.create(insee_code="84", name="Auvergne-Rhône-Alpes")
    department = Department.objects.create(insee_code="69", name="Rhône", region=region)
    Commune.objects.create(insee_code="69123", name="Lyon", search_name="lyon", department=department, region=region)
    commune_id = Commune.objects.get().pk
    theme = Theme.objects.create(label="Thème", slug="theme")
    Subject.objects.bulk_create([Subject(theme=theme, label=f"Sujet {s}", slug=f"sujet-{s}") for s in range(SUBJECTS)])
    institution = Institution.objects.create(name="Institution", slug="institution")
    antenne = Antenne.objects.create(institution=institution, name="Antenne")
    Expert.objects.bulk_create(
        [Expert(antenne=antenne, name=f"Équipe {e}", email=f"equipe{e}@exemple.gouv.fr") for e in range(EXPERTS)]
    )
    # Every old analysis has an establishment of its own (the company never came back); recent ones share 5,000.
    establishments = old + 5000
    siren = "CAST(100000000 + i AS TEXT)"
    insert(Company, establishments, {
        "siren": siren, "name": sql.text("ENTREPRISE "), "search_name": sql.text("entreprise "), "source": "'demo'",
    }, sql)  # fmt: skip
    insert(Establishment, establishments, {
        "siret": "CAST(10000000000000 + i AS TEXT)", "company": siren, "search_name": sql.text("entreprise "),
        "commune": str(commune_id), "naf_code": "'62.01Z'", "staff_size_code": "'11'",
    }, sql)  # fmt: skip

    def created(ix: str = "i") -> str:
        """When analysis number `ix` was made: the old ones from 2019 on, one every 5 minutes; the others recently."""
        old_moment, recent_moment = sql.moment("2019-01-01", f"{ix} * 300"), sql.moment("2025-06-01", f"{ix} * 20")
        return f"CASE WHEN {ix} <= {old} THEN {old_moment} ELSE {recent_moment} END"

    insert(Solicitation, diagnoses, {
        "status": "'processed'", "subject": f"(i % {SUBJECTS}) + 1", "description": sql.text("Besoin n° "),
        "establishment": f"CASE WHEN i <= {old} THEN i ELSE {old} + (i % 5000) + 1 END",
        "first_name": "'Camille'", "last_name": sql.text("Dirigeant "), "phone": "'+33612345678'",
        "email": "'contact' || i || '@entreprise.fr'", "source": "'site'", "public_id": sql.uuid(),
        "submitted_at": created(), "created_at": created(), "updated_at": created(),
    }, sql)  # fmt: skip
    insert(Diagnosis, diagnoses, {
        "solicitation": "i", "establishment": f"CASE WHEN i <= {old} THEN i ELSE {old} + (i % 5000) + 1 END",
        "content": sql.text("Contexte n° "), "public_id": sql.uuid(), "created_at": created(),
        "updated_at": created(),
    }, sql)  # fmt: skip
    need_created = created("((i + 1) / 2)")
    insert(Need, needs, {
        "diagnosis": "(i + 1) / 2", "subject": f"(i % {SUBJECTS}) + 1", "content": sql.text("Description n° "),
        "status": "'done'", "public_id": sql.uuid(), "created_at": need_created, "updated_at": need_created,
    }, sql)  # fmt: skip
    insert(Match, needs, {
        "need": "i", "expert": f"(i % {EXPERTS}) + 1", "subject": f"(i % {SUBJECTS}) + 1", "status": "'done'",
        "sent_at": need_created, "taken_care_of_at": need_created, "public_id": sql.uuid(),
        "created_at": need_created, "updated_at": need_created,
    }, sql)  # fmt: skip
    insert(MatchStatusChange, needs // 5, {
        "match": "i * 5", "from_status": "'quo'", "to_status": "'done'", "reason": sql.text("Rappelé, n° "),
        "created_at": created("((i * 5 + 1) / 2)"),
    }, sql)  # fmt: skip
    insert(NeedComment, needs // 10, {
        "need": "i * 10", "body": sql.text("Le dirigeant a rappelé, n° "),
        "created_at": created("((i * 10 + 1) / 2)"),
    }, sql)  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return diagnoses, old


class LockWatcher(threading.Thread):
    """Polls pg_stat_activity every 10 ms, from outside the command. A transaction that has written (it holds a
    transaction id) keeps its row locks until it ends: its age is the lock measured. Reads only take share locks
    that no writer waits for; the longest one is reported apart."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.database_url = database_url.replace("postgres://", "postgresql://")
        self.longest_write_ms = 0.0
        self.longest_read_ms = 0.0
        self.stop = threading.Event()

    def run(self):
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as connection:
            while not self.stop.is_set():
                for age_ms, writing in connection.execute(
                    "SELECT extract(epoch FROM clock_timestamp() - xact_start) * 1000, backend_xid IS NOT NULL "
                    "FROM pg_stat_activity WHERE application_name = %s AND xact_start IS NOT NULL "
                    "AND state <> 'idle'",
                    [APPLICATION_NAME],
                ).fetchall():
                    if writing:
                        self.longest_write_ms = max(self.longest_write_ms, float(age_ms))
                    else:
                        self.longest_read_ms = max(self.longest_read_ms, float(age_ms))
                time.sleep(0.01)


def run_command(database_url: str) -> tuple[float, float, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "config.settings"}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "apply_retention", "--wet-run"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mb, completed.stdout


def main() -> None:
    args = parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="relais-bench-retention-")
    if args.database_url and args.reset:
        reset_schema(args.database_url)
    setup_django(database_url=args.database_url, tmp_dir=Path(tmp.name), name="retention")
    from django.db import connection

    from relais.conseillers_entreprises.models import Diagnosis, Need

    started = time.perf_counter()
    diagnoses, old = fill(args.needs)
    print(f"{connection.vendor} : {args.needs} besoins ({diagnoses} analyses dont {old} de plus de 3 ans) générés en "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    database_url = os.environ["DATABASE_URL"]
    watcher = None
    if connection.vendor == "postgresql":
        separator = "&" if "?" in database_url else "?"
        database_url = f"{database_url}{separator}application_name={APPLICATION_NAME}"
        watcher = LockWatcher(database_url)
        watcher.start()
    connection.close()
    seconds, peak_mb, output = run_command(database_url)
    print(output.strip())
    if watcher is not None:
        watcher.stop.set()
        watcher.join()
        longest_ms = watcher.longest_write_ms
        print(f"Plus longue transaction qui écrit : {longest_ms:.0f} ms ; plus longue lecture : "
              f"{watcher.longest_read_ms:.0f} ms (verrous partagés, n’arrêtent aucune écriture)")  # fmt: skip
    else:
        longest_ms = float(re.search(r"Transaction la plus longue : (\d+) ms", output).group(1))
    anonymised = Need.objects.filter(diagnosis__anonymised_at__isnull=False).count()
    assert Diagnosis.objects.filter(anonymised_at__isnull=False).count() == old, "every old analysis is anonymised"
    tmp.cleanup()
    print(
        f"RESULT anonymised={anonymised} seconds={seconds:.1f} peak_mb={peak_mb:.0f} longest_lock_ms={longest_ms:.0f}"
    )


if __name__ == "__main__":
    main()
