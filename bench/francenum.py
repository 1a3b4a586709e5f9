"""France Num directory at scale: 100,000 published structures with their members, offers, area codes and search
text; server-side time of the directory searches and of the profile page, and their query counts.

Usage: .venv/bin/python bench/francenum.py [--database-url postgres://postgres@127.0.0.1:5432/relais_fn_bench]
[--reset | --reuse] [--structures 100000] [--requests 200]
Without --database-url: a temporary SQLite file, deleted at the end. On PostgreSQL the database must exist and be
empty, or be emptied with --reset; --reuse measures again a database filled by an earlier run (the same
--structures), without generating anything: old and new code can then be measured in turn on their own databases
while the machine's load stays the same. The schema comes from the migrations, as in production (SQLite's full-text
index of the profiles, the DSFR configuration row); the structures from `francenum_data.fill` (bulk generation of what
the product stores, on a synthetic grid of 2,000 communes, 13 régions, 96 départements).

Measured through Django's full request stack (middleware, view, template), in process, on the code paths the
public uses: `GET /activateurs/?lieu=<postal code>` (nearest first), `?domaine=…&region=…`, `?q=<words>`, and
`GET /activateurs/fiche/<slug>/` (with its view count written), then harder free text (`HARD_QUERIES`: common words,
several words, accents, short prefixes) in turn. Each measure: p95 over `--requests` requests after
warm-up, and the largest number of queries of one request (the same at 1,000 as at 100,000 structures: run with
--structures 1000 to compare). Last line:
`RESULT search_commune_p95_ms=… search_domain_p95_ms=… search_text_p95_ms=… profile_p95_ms=… queries=…
search_text_hard_p95_ms=…`.
"""

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_django import setup_django  # noqa: E402
from francenum_data import REGIONS, WORDS, fill  # noqa: E402

# Harder free text than two of the generator's words: words of every profile, several words, accents and capitals,
# short prefixes, a word of a tenth of the profiles with a word of a fifth, no match.
HARD_QUERIES = [
    "numérique", "conseil formation pme", "Cybersécurité pixel", "pix hor", "p", "Stratégie numérique",
    "pixel horizon atelier", "horizon envol cap levier", "a b c d e f", "commune 305", "intelligence artificielle",
    "zzz",
]  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL database (empty, or emptied with --reset).")
    parser.add_argument("--reset", action="store_true", help="Drop and recreate the public schema of that database.")
    parser.add_argument("--reuse", action="store_true", help="Measure a database filled by an earlier run.")
    parser.add_argument("--structures", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if args.reuse and (args.reset or not args.database_url):
        parser.error("--reuse : une base PostgreSQL déjà remplie, sans --reset")
    return args


def reset_schema(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


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
    setup_django(database_url=args.database_url, tmp_dir=Path(tmp.name), name="francenum", migrations=True)
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
    if args.reuse:
        # The names francenum_data gives.
        slugs = [f"structure-{i}" for i in range(args.structures)]
    else:
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
    hard_urls = [f"/activateurs/?{urlencode({'q': HARD_QUERIES[i % len(HARD_QUERIES)]})}" for i in range(n)]
    profile_urls = [f"/activateurs/fiche/{rng.choice(slugs)}/" for _ in range(n)]
    results = {}
    for label, urls in (("search_commune", commune_urls), ("search_domain", domain_urls),
                        ("search_text", text_urls), ("profile", profile_urls),
                        ("search_text_hard", hard_urls)):  # fmt: skip
        results[label] = measure(client, urls)
        print(f"{label} : p95 {results[label][0]:.1f} ms, {results[label][1]} requêtes SQL au plus")
    queries = max(most for _p95, most in results.values())
    print(
        f"RESULT search_commune_p95_ms={results['search_commune'][0]:.1f} "
        f"search_domain_p95_ms={results['search_domain'][0]:.1f} search_text_p95_ms={results['search_text'][0]:.1f} "
        f"profile_p95_ms={results['profile'][0]:.1f} queries={queries} "
        f"search_text_hard_p95_ms={results['search_text_hard'][0]:.1f}"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
