"""France Num directory at scale: 100,000 published structures with their members, offers, area codes and search
words; server-side time of the directory searches and of the profile page, and their query counts.

Usage: .venv/bin/python bench/francenum.py [--database-url postgres://postgres@127.0.0.1:5432/relais_fn_bench]
[--reset] [--structures 100000] [--requests 200]
Without --database-url: a temporary SQLite file, deleted at the end. On PostgreSQL the database must exist and be
empty, or be emptied with --reset. Tables come from the current models (no migrations); the territories are a
synthetic grid of 2,000 communes over metropolitan France (13 régions, 96 départements, real-format codes).

Generation is bulk (bulk_create by batches), but what is stored is what the product stores: each profile's
normalised text and search words come from `services.publication.profile_text` and `text.words_of`, its area codes
from the same format as `services.publication.area_codes`.

Measured through Django's full request stack (middleware, view, template), in process, on the code paths the
public uses: `GET /activateurs/?lieu=<postal code>` (nearest first), `?domaine=…&region=…`, `?q=<words>`, and
`GET /activateurs/fiche/<slug>/` (with its view count written). Each measure: p95 over `--requests` requests after
warm-up, and the largest number of queries of one request (the same at 1,000 as at 100,000 structures: run with
--structures 1000 to compare). Last line:
`RESULT search_commune_p95_ms=… search_domain_p95_ms=… search_text_p95_ms=… profile_p95_ms=… queries=…`.
"""

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_django import setup_django  # noqa: E402

REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]
WORDS = ["pixel", "horizon", "boussole", "declic", "rebond", "azur", "ancre", "phare", "tremplin", "envol",
         "cap", "levier", "sillage", "relais", "atlas", "orbite", "prisme", "vecteur", "spirale", "comete"]  # fmt: skip
PREFIXES = ["Agence", "Studio", "Conseil", "Atelier", "Cabinet", "Collectif", "Cyber", "Data", "Web", "Formation"]
BATCH = 5000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL database (empty, or emptied with --reset).")
    parser.add_argument("--reset", action="store_true", help="Drop and recreate the public schema of that database.")
    parser.add_argument("--structures", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    return parser.parse_args()


def reset_schema(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def progress(label: str, done: int, total: int) -> None:
    print(f"\r{label} : {done}/{total}", end="" if done < total else "\n", flush=True)


def territories(rng: random.Random):
    from relais.territories.models import Commune, Department, PostalCode, Region

    regions = Region.objects.bulk_create(Region(insee_code=code, name=f"Région {code}") for code in REGIONS)
    departments = Department.objects.bulk_create(
        Department(insee_code=f"{n + 1:02d}" if n < 95 else "2A", name=f"Département {n + 1}", region=regions[n % 13])
        for n in range(96)
    )
    communes = []
    for n in range(2000):
        department = departments[n % 96]
        # A grid over metropolitan France; each département is a band of cells.
        latitude = 42.5 + 8.5 * ((n * 37) % 2000) / 2000 + rng.random() * 0.05
        longitude = -4.5 + 12.5 * ((n * 61) % 2000) / 2000 + rng.random() * 0.05
        communes.append(
            Commune(
                insee_code=f"{department.insee_code}{n % 1000:03d}",
                name=f"Commune {n}",
                search_name=f"commune {n}",
                department=department,
                region=department.region,
                latitude=latitude,
                longitude=longitude,
                population=1000 + n,
            )
        )
    communes = Commune.objects.bulk_create(communes)
    PostalCode.objects.bulk_create(
        PostalCode(code=f"{10000 + n * 37 % 89999:05d}", commune=commune) for n, commune in enumerate(communes)
    )
    return communes


def fill(count: int, rng: random.Random) -> list[str]:
    from django.db import connection, transaction

    communes = territories(rng)
    slugs = []
    for start in range(0, count, BATCH):
        with transaction.atomic():
            slugs += _batch(start, min(BATCH, count - start), communes, rng)
        progress("Structures", start + min(BATCH, count - start), count)
    # What autovacuum does after a bulk load on PostgreSQL (statistics, and the visibility map for index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return slugs


def _batch(start: int, size: int, communes, rng: random.Random) -> list[str]:
    from django.db import connection

    from relais.accounts.models import User
    from relais.francenum.enums import Category, Domain, Kind, MemberRole, ServiceKind, Status
    from relais.francenum.models import Activator, ActivatorMember, Offer, SearchWord
    from relais.francenum.services.publication import profile_text
    from relais.francenum.text import words_of

    domains, kinds, types = list(Domain), list(ServiceKind), list(Kind)
    slugs = []
    activators, offers_by_index = [], []
    for i in range(start, start + size):
        commune = communes[rng.randrange(len(communes))]
        name = f"{PREFIXES[i % 10]} {WORDS[rng.randrange(20)].capitalize()} {WORDS[rng.randrange(20)]} {i}"
        slug = f"structure-{i}"
        slugs.append(slug)
        france, remote = rng.random() < 0.03, rng.random() < 0.1
        codes = ["FR"] if france else []
        codes += ["DIST"] if remote else []
        codes += [f"D{commune.department.insee_code}", f"C{commune.insee_code}"]
        if rng.random() < 0.3:
            codes.append(f"R{commune.region.insee_code}")
        activator = Activator(
            slug=slug, name=name, status=Status.VALIDATED, kind=types[i % len(types)],
            category=Category.PUBLIC if i % 10 == 0 else Category.PRIVATE,
            address=f"{i % 200 + 1} rue de la Gare", postal_code="69000", city=commune.name, commune=commune,
            department=commune.department, region=commune.region,
            latitude=commune.latitude + rng.uniform(-0.05, 0.05),
            longitude=commune.longitude + rng.uniform(-0.05, 0.05),
            description="Accompagnement des TPE et PME : stratégie numérique, sites internet, formation.",
            serves_france=france, serves_remote=remote, area_codes=f" {' '.join(codes)} ",
        )  # fmt: skip
        offers = [
            Offer(domain=domains[(i + k) % len(domains)], service_kind=kinds[(i * 7 + k) % len(kinds)])
            for k in range(1 + i % 3)
        ]
        activator._state.fields_cache.update(department=commune.department, region=commune.region)
        activator.search_text = profile_text(activator, offers)
        activators.append(activator)
        offers_by_index.append(offers)
    created = Activator.objects.bulk_create(activators)
    users = User.objects.bulk_create(
        User(email=f"referent{i}@bench.example", password="!", first_name="Camille", last_name=f"Banc {i}")
        for i in range(start, start + size)
    )
    ActivatorMember.objects.bulk_create(
        ActivatorMember(activator=a, user=u, role=MemberRole.REFERENT, job_title="Consultant")
        for a, u in zip(created, users, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {Offer._meta.db_table} (activator_id, domain, service_kind) VALUES (%s, %s, %s)",
            [
                (a.pk, o.domain, o.service_kind)
                for a, offers in zip(created, offers_by_index, strict=True)
                for o in offers
            ],
        )
    # The largest table (some 20 words per profile): plain executemany, without model instances.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {SearchWord._meta.db_table} (activator_id, word) VALUES (%s, %s)",
            [(a.pk, word) for a in created for word in words_of(a.search_text)],
        )
    return slugs


def measure(client, urls: list[str]) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:10]:
        assert client.get(url, HTTP_USER_AGENT="Mozilla/5.0 Firefox/130.0").status_code == 200, url
    timings, most = [], 0
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 Firefox/130.0")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
        most = max(most, len(queries))
    return statistics.quantiles(timings, n=20)[18], most


def main() -> None:
    args = parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="relais-bench-francenum-")
    if args.database_url and args.reset:
        reset_schema(args.database_url)
    setup_django(database_url=args.database_url, tmp_dir=Path(tmp.name), name="francenum")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from relais.francenum.enums import Domain
    from relais.territories.models import PostalCode

    settings.ALLOWED_HOSTS = ["*"]
    # One log line per request would be timed with the page.
    logging.disable(logging.INFO)
    rng = random.Random(2026)
    started = time.perf_counter()
    slugs = fill(args.structures, rng)
    print(f"Génération : {time.perf_counter() - started:.0f} s ({connection.vendor})")
    client = Client()
    codes = list(PostalCode.objects.values_list("code", flat=True))
    n = args.requests
    commune_urls = [f"/activateurs/?lieu={rng.choice(codes)}" for _ in range(n)]
    domain_urls = [
        f"/activateurs/?domaine={rng.choice(list(Domain)).value}&region={rng.choice(REGIONS)}" for _ in range(n)
    ]
    text_urls = [f"/activateurs/?q={rng.choice(WORDS)}+{rng.choice(WORDS)}" for _ in range(n)]
    profile_urls = [f"/activateurs/fiche/{rng.choice(slugs)}/" for _ in range(n)]
    results = {}
    for label, urls in (("search_commune", commune_urls), ("search_domain", domain_urls),
                        ("search_text", text_urls), ("profile", profile_urls)):  # fmt: skip
        results[label] = measure(client, urls)
        print(f"{label} : p95 {results[label][0]:.1f} ms, {results[label][1]} requêtes SQL au plus")
    queries = max(most for _p95, most in results.values())
    print(
        f"RESULT search_commune_p95_ms={results['search_commune'][0]:.1f} "
        f"search_domain_p95_ms={results['search_domain'][0]:.1f} search_text_p95_ms={results['search_text'][0]:.1f} "
        f"profile_p95_ms={results['profile'][0]:.1f} queries={queries}"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
