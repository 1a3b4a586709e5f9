"""Peak Python memory of exporting 100k matches as CSV and XLSX (services/exports.py), measured with tracemalloc.

Usage: .venv/bin/python bench/exports.py [--database-url postgres://…] [--matches 100000]
By default a temporary SQLite file, deleted at the end. Tables are created from the current models (no migrations),
then filled by bulk inserts: 2,000 establishments, 40 subjects, 200 expert teams, one diagnosis and one need per
match. The CSV is consumed line by line as the streaming response would send it; the XLSX is written to its
temporary file. Prints rows, seconds and peak MB per format, then the last line
`RESULT export_csv_peak_mb=… export_xlsx_peak_mb=…`.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_django import setup_django  # noqa: E402

ESTABLISHMENTS = 2000
THEMES, SUBJECTS_PER_THEME = 8, 5
ANTENNES, EXPERTS_PER_ANTENNE = 50, 4
BATCH = 5000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL database to fill (it must exist and be empty).")
    parser.add_argument("--matches", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def fill(rng: random.Random, matches: int) -> None:
    from relais.companies.enums import CompanySource
    from relais.companies.models import Company, Establishment
    from relais.conseillers_entreprises.enums import MatchStatus, NeedStatus
    from relais.conseillers_entreprises.models import (
        Antenne,
        Diagnosis,
        Expert,
        Institution,
        Match,
        Need,
        Subject,
        Theme,
    )
    from relais.territories.models import Commune, Department, Region

    region = Region.objects.create(insee_code="84", name="Auvergne-Rhône-Alpes")
    department = Department.objects.create(insee_code="69", name="Rhône", region=region)
    commune = Commune.objects.create(
        insee_code="69123", name="Lyon", search_name="lyon", department=department, region=region
    )
    companies = Company.objects.bulk_create(
        [
            Company(
                siren=f"{400000000 + n}",
                name=f"ENTREPRISE {n}",
                search_name=f"entreprise {n}",
                source=CompanySource.DEMO,
            )
            for n in range(ESTABLISHMENTS)
        ]
    )
    establishments = Establishment.objects.bulk_create(
        [
            Establishment(siret=f"{company.siren}00011", company=company, commune=commune, search_name=company.name)
            for company in companies
        ]
    )
    themes = Theme.objects.bulk_create([Theme(label=f"Thème {t}", slug=f"theme-{t}") for t in range(THEMES)])
    subjects = Subject.objects.bulk_create(
        [
            Subject(theme=theme, label=f"Sujet {t}-{s}", slug=f"sujet-{t}-{s}")
            for t, theme in enumerate(themes)
            for s in range(SUBJECTS_PER_THEME)
        ]
    )
    institutions = Institution.objects.bulk_create(
        [Institution(name=f"Institution {i}", slug=f"institution-{i}") for i in range(10)]
    )
    antennes = Antenne.objects.bulk_create(
        [Antenne(institution=institutions[a % 10], name=f"Antenne {a}") for a in range(ANTENNES)]
    )
    experts = Expert.objects.bulk_create(
        [
            Expert(antenne=antenne, name=f"Équipe {a}-{e}", email=f"equipe{a}-{e}@exemple.gouv.fr")
            for a, antenne in enumerate(antennes)
            for e in range(EXPERTS_PER_ANTENNE)
        ]
    )
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    for offset in range(0, matches, BATCH):
        size = min(BATCH, matches - offset)
        diagnoses = Diagnosis.objects.bulk_create(
            [Diagnosis(establishment=rng.choice(establishments)) for _ in range(size)]
        )
        needs = Need.objects.bulk_create(
            [Need(diagnosis=d, subject=rng.choice(subjects), status=NeedStatus.TAKING_CARE) for d in diagnoses]
        )
        rows = []
        for need in needs:
            sent = start + datetime.timedelta(minutes=rng.randrange(300 * 24 * 60))
            rows.append(
                Match(
                    need=need,
                    expert=rng.choice(experts),
                    subject=need.subject,
                    status=MatchStatus.TAKING_CARE,
                    sent_at=sent,
                    taken_care_of_at=sent + datetime.timedelta(hours=rng.randrange(1, 200)),
                )
            )
        Match.objects.bulk_create(rows)


def measure(label: str, run) -> float:
    tracemalloc.start()
    started = time.perf_counter()
    rows = run()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mb = peak / 1024 / 1024
    print(f"{label} : {rows} lignes en {elapsed:.1f} s, pic mémoire Python {peak_mb:.1f} Mo")
    return peak_mb


def main() -> None:
    args = parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="relais-bench-exports-")
    setup_django(database_url=args.database_url, tmp_dir=Path(tmp.name), name="exports")
    from django.db import connection

    from relais.conseillers_entreprises.services.exports import csv_lines, matches_export, write_xlsx
    from relais.conseillers_entreprises.services.statistics import StatsScope

    started = time.perf_counter()
    fill(random.Random(args.seed), args.matches)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{connection.vendor} : {args.matches} mises en relation générées en {time.perf_counter() - started:.1f} s")
    scope = StatsScope(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))

    def export_csv() -> int:
        # As the streaming response does: each line is produced, sent, then dropped.
        return sum(1 for _ in csv_lines(matches_export(scope))) - 1

    def export_xlsx() -> int:
        with write_xlsx(matches_export(scope)) as output:
            output.seek(0, os.SEEK_END)
            print(f"fichier XLSX : {output.tell() / 1024 / 1024:.1f} Mo")
        return args.matches

    csv_peak = measure("CSV", export_csv)
    xlsx_peak = measure("XLSX", export_xlsx)
    tmp.cleanup()
    print(f"RESULT export_csv_peak_mb={csv_peak:.1f} export_xlsx_peak_mb={xlsx_peak:.1f}")


if __name__ == "__main__":
    main()
