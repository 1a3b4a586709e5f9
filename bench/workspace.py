"""Server-side latency of an agent's inbox (/besoins/) and of a need page with 1M needs and 3M matches.

Usage: .venv/bin/python bench/workspace.py --database-url postgres://postgres@127.0.0.1:5432/relais_bench_workspace
       [--needs 1000000] [--small 2000] [--experts 2000] [--requests 100] [--explain]
The database must exist and be empty (createdb before, dropdb after). Tables are created from the current models (no
migrations), then filled in SQL by INSERT … SELECT generate_series: 100k companies and establishments, one
solicitation, analysis and need per need, three matches per need spread over the expert teams (a few teams receive
much more than the others), sent over three years with the statuses of their age. One agent belongs to three teams:
the busiest, a middle one and a quiet one. The pages are measured first with `--small` needs, then with `--needs`,
through Django's test client in the process (DEBUG off): p95 over `--requests` requests after a warm-up, and the
number of SQL queries of one request. Last line:
`RESULT inbox_p95_ms=… search_p95_ms=… need_p95_ms=… inbox_queries=… need_queries=…` (the figures at the full
size; the search looks for company words and contacts' names over the agent's three teams).
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INSTITUTIONS = 40
ESTABLISHMENTS = 100_000
MATCHES_PER_NEED = 3
HISTORY_DAYS = 1100
BATCH = 200_000
COMPANY_WORDS = ["BOULANGERIE", "ATELIER", "GARAGE", "SCIERIE", "CABINET", "TRANSPORTS", "MENUISERIE", "IMPRIMERIE"]
FIRST_NAMES = ["Camille", "Léa", "Hugo", "Inès", "Paul", "Manon", "Louis", "Chloé", "Jules", "Sarah"]
LAST_NAMES = ["Martin", "Bernard", "Rivoire", "Perrin", "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="Empty PostgreSQL database to fill.")
    parser.add_argument("--needs", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=2_000, help="Needs at the first, small measurement.")
    parser.add_argument("--experts", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="Print the plans of the inbox queries.")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def build_directory(rng: random.Random, expert_count: int):
    """Institutions, two teams per antenne with one agent each, and the measured agent in three teams."""
    from relais.accounts.models import User
    from relais.conseillers_entreprises.models import Antenne, Expert, Institution

    institutions = Institution.objects.bulk_create(
        [Institution(name=f"Institution {i}", slug=f"institution-{i}") for i in range(INSTITUTIONS)]
    )
    antennes = Antenne.objects.bulk_create(
        [Antenne(institution=rng.choice(institutions), name=f"Antenne {a}") for a in range((expert_count + 1) // 2)]
    )
    experts = Expert.objects.bulk_create(
        [
            Expert(antenne=antennes[e // 2], name=f"Équipe {e}", email=f"equipe{e}@bench.test")
            for e in range(expert_count)
        ]
    )
    users = User.objects.bulk_create([User(email=f"agent{e}@bench.test", password="!") for e in range(expert_count)])
    through = Expert.users.through
    through.objects.bulk_create(
        [through(expert_id=e.pk, user_id=u.pk) for e, u in zip(experts, users, strict=True)], batch_size=5000
    )
    agent = User.objects.create(email="agent.mesure@bench.test", first_name="Alix", last_name="Mesure", password="!")
    # The skew of fill_needs gives the first teams the most matches.
    agent_teams = [experts[0], experts[expert_count // 20], experts[expert_count // 2]]
    through.objects.bulk_create([through(expert_id=e.pk, user_id=agent.pk) for e in agent_teams])
    return [e.pk for e in experts], agent, agent_teams


def fill_companies(cursor) -> None:
    words = "ARRAY[" + ",".join(f"'{w}'" for w in COMPANY_WORDS) + "]"
    cursor.execute(
        f"""
        INSERT INTO companies_company (id, siren, name, search_name, legal_form_code, naf_code, staff_size_code,
                                       activity_natures, idcc_codes, officers, is_active, source, fetched_at)
        SELECT n, (300000000 + n)::text, name, lower(name), '5710', '62.01Z', '11', '[]', '[]', '[]', true, 'demo',
               now()
        FROM generate_series(1, {ESTABLISHMENTS}) n,
             LATERAL (SELECT ({words})[1 + n % {len(COMPANY_WORDS)}] || ' ' || n AS name) named
        """
    )
    cursor.execute(
        f"""
        INSERT INTO companies_establishment (id, siret, siren, name, search_name, address, postal_code,
                                             commune_insee_code, commune_name, naf_code, nafa_code, staff_size_code,
                                             idcc_codes, is_head_office, is_active)
        SELECT n, (300000000 + n)::text || '00010', (300000000 + n)::text, '', c.search_name, '1 rue de la Paix',
               '69001', '69381', 'Lyon', '62.01Z', '', '11', '[]', true, true
        FROM generate_series(1, {ESTABLISHMENTS}) n JOIN companies_company c ON c.id = n
        """
    )


def fill_needs(cursor, *, first: int, last: int, expert_ids: list[int], subject_ids: list[int]) -> None:
    """Needs `first` to `last` with their solicitation, analysis and three matches, by batches."""
    for start in range(first, last + 1, BATCH):
        end = min(start + BATCH - 1, last)
        _fill_batch(cursor, start, end, expert_ids, subject_ids)


def _fill_batch(cursor, start, end, expert_ids, subject_ids) -> None:
    firsts = "ARRAY[" + ",".join(f"'{w}'" for w in FIRST_NAMES) + "]"
    lasts = "ARRAY[" + ",".join(f"'{w}'" for w in LAST_NAMES) + "]"
    # A deterministic date per need, so that the solicitation, the analysis, the need and its matches agree.
    created = (
        f"now() - ((n * 7919) %% {HISTORY_DAYS}) * interval '1 day' - ((n * 104729) %% 86400) * interval '1 second'"
    )
    subject = f"(%(subjects)s::bigint[])[1 + (n * 31) %% {len(subject_ids)}]"
    establishment = f"1 + (n * 48271) %% {ESTABLISHMENTS}"
    params = {"subjects": subject_ids, "experts": expert_ids, "start": start, "end": end}
    cursor.execute(
        f"""
        INSERT INTO conseillers_entreprises_solicitation (id, created_at, updated_at, public_id, status, subject_id,
            description, siret, establishment_id, first_name, last_name, phone, email, source, origin_url, tracking,
            submitted_at, processed_at)
        SELECT n, d, d, gen_random_uuid(), 'processed', {subject}, 'Besoin de l’entreprise ' || n,
               (300000000 + {establishment})::text || '00010', {establishment},
               ({firsts})[1 + n %% {len(FIRST_NAMES)}], ({lasts})[1 + (n / 10) %% {len(LAST_NAMES)}], '0478000000',
               'contact' || n || '@bench.test', 'site', '', '{{}}', d, d
        FROM generate_series(%(start)s::bigint, %(end)s::bigint) n, LATERAL (SELECT {created} AS d) t
        """,
        params,
    )
    cursor.execute(
        f"""
        INSERT INTO conseillers_entreprises_diagnosis (id, created_at, updated_at, public_id, solicitation_id,
            establishment_id, content, contact_name, contact_email, contact_phone, manager_consent, completed_at)
        SELECT n, d, d, gen_random_uuid(), n, {establishment}, '', '', '', '', true, d
        FROM generate_series(%(start)s::bigint, %(end)s::bigint) n, LATERAL (SELECT {created} AS d) t
        """,
        params,
    )
    cursor.execute(
        f"""
        INSERT INTO conseillers_entreprises_need (id, created_at, updated_at, public_id, diagnosis_id, subject_id,
            content, status)
        SELECT n, d, d, gen_random_uuid(), n, {subject}, 'Recruter deux techniciens de maintenance.', 'quo'
        FROM generate_series(%(start)s::bigint, %(end)s::bigint) n, LATERAL (SELECT {created} AS d) t
        """,
        params,
    )
    teams = len(expert_ids)
    # The first team of a need is drawn with a square law (the busiest team gets ~2 %% of the needs), the two
    # others at offsets that keep the three teams distinct.
    cursor.execute(
        f"""
        INSERT INTO conseillers_entreprises_match (created_at, updated_at, public_id, need_id, expert_id, subject_id,
            status, sent_at, taken_care_of_at, closed_at, search_text)
        SELECT sent, sent, gen_random_uuid(), id, (%(experts)s::bigint[])[1 + team], subject_id, status, sent,
               CASE WHEN status NOT IN ('quo', 'not_for_me') THEN sent + interval '2 days' END,
               CASE WHEN status LIKE 'done%%' THEN sent + interval '20 days' END,
               {SEARCH_TEXT}
        FROM (
            SELECT need.id, need.subject_id, need.created_at AS sent, need.searched,
                   CASE k WHEN 0 THEN base
                          WHEN 1 THEN (base + 1 + need.id %% 600) %% {teams}
                          ELSE (base + 601 + need.id %% 700) %% {teams} END AS team,
                   CASE WHEN need.created_at > now() - interval '45 days' THEN
                            CASE WHEN r < 0.5 THEN 'quo' WHEN r < 0.8 THEN 'taking_care'
                                 WHEN r < 0.9 THEN 'done' ELSE 'not_for_me' END
                        ELSE CASE WHEN r < 0.15 THEN 'quo' WHEN r < 0.25 THEN 'not_for_me'
                                  WHEN r < 0.3 THEN 'taking_care' WHEN r < 0.8 THEN 'done'
                                  WHEN r < 0.92 THEN 'done_no_help' ELSE 'done_not_reachable' END
                   END AS status
            FROM (SELECT need.id, need.subject_id, need.created_at, floor({teams} * random() ^ 2)::int AS base,
                         concat_ws(' ', company.name, solicitation.siret, solicitation.first_name,
                                   solicitation.last_name, subject.label) AS searched
                  FROM conseillers_entreprises_need need
                  JOIN conseillers_entreprises_solicitation solicitation ON solicitation.id = need.id
                  JOIN companies_company company ON company.id = solicitation.establishment_id
                  JOIN conseillers_entreprises_subject subject ON subject.id = need.subject_id
                  WHERE need.id BETWEEN %(start)s AND %(end)s OFFSET 0) need,
                 generate_series(0, {MATCHES_PER_NEED - 1}) k,
                 LATERAL (SELECT random() + k * 0 AS r) drawn
        ) rows
        """,
        params,
    )


# Match.search_text as services/needs.py writes it (normalize_search_text), in SQL: accents folded, lower case,
# anything but letters and digits as one space. (Percent signs doubled: the query has parameters.)
SEARCH_TEXT = (
    "trim(regexp_replace(translate(lower(searched), 'àâäéèêëîïôöùûüç', 'aaaeeeeiioouuuc'), '[^0-9a-z]+', ' ', 'g'))"
)


def p95(timings: list[float]) -> float:
    timings = sorted(timings)
    return timings[max(0, int(len(timings) * 0.95) - 1)]


def measure(client, urls: list[str], *, warmup: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:warmup]:
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(urls[0])
    assert response.status_code == 200, (urls[0], response.status_code)
    # Read now: each request clears the connection's query log.
    query_count = len(queries)
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return p95(timings), query_count


def measure_pages(client, agent_teams, requests: int, warmup: int) -> dict:
    from django.urls import reverse

    from relais.conseillers_entreprises.models import Match

    inbox = reverse("conseillers_entreprises:inbox")
    tabs = ["nouveaux", "pris-en-charge", "clotures", "refuses", "expires"]
    inbox_urls = [f"{inbox}?onglet={tabs[i % len(tabs)]}&page={1 + i % 3}" for i in range(requests)]
    # A company word (an eighth of the companies), a contact's last name (a tenth), both; over the three teams.
    words = [word.lower() for word in COMPANY_WORDS] + [name.lower() for name in LAST_NAMES]
    words += [f"{COMPANY_WORDS[i % len(COMPANY_WORDS)].lower()} {LAST_NAMES[i % len(LAST_NAMES)]}" for i in range(10)]
    search_urls = [f"{inbox}?q={word}" for word in (words * requests)[:requests]]
    need_ids = list(
        Match.objects.filter(expert__in=agent_teams)
        .order_by("-sent_at")
        .values_list("need__public_id", flat=True)[:requests]
    )
    need_urls = [reverse("conseillers_entreprises:need", kwargs={"public_id": pk}) for pk in need_ids]
    inbox_p95, inbox_queries = measure(client, inbox_urls, warmup=warmup)
    search_p95, search_queries = measure(client, search_urls, warmup=warmup)
    need_p95, need_queries = measure(client, need_urls, warmup=warmup)
    return {
        "inbox": (inbox_p95, inbox_queries),
        "search": (search_p95, search_queries),
        "need": (need_p95, need_queries),
    }


def explain(agent_teams) -> None:
    from django.utils import timezone

    from relais.conseillers_entreprises.models import Match
    from relais.conseillers_entreprises.services.inbox import TABS, count_tabs, tab_ids

    matches = Match.objects.sent_to([team.pk for team in agent_teams])
    now = timezone.now()
    print("Plan des compteurs d’onglets :")
    print(_explain_aggregate(matches, now, count_tabs))
    print("Plan de la page « Clôturés » :")
    print(tab_ids(matches, tab=TABS[2], now=now)[:20].explain(analyze=True))
    print("Plan des compteurs d’onglets d’une recherche (« boulangerie ») :")
    print(_explain_aggregate(matches.search("boulangerie"), now, count_tabs))


def _explain_aggregate(matches, now, count_tabs) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        count_tabs(matches, now=now)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + queries.captured_queries[-1]["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    args = parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # DEBUG would keep every query in memory and time the logging along with the pages.
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from relais.conseillers_entreprises.models import Subject
    from relais.conseillers_entreprises.taxonomy import import_taxonomy

    if connection.vendor != "postgresql":
        sys.exit("Ce banc remplit PostgreSQL (generate_series) : donnez --database-url postgres://…")

    class NoMigrations(dict):
        """Every app without migrations: syncdb builds the tables from the current models."""

        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)
    rng = random.Random(args.seed)
    import_taxonomy()
    subject_ids = list(Subject.objects.order_by("pk").values_list("pk", flat=True))
    expert_ids, agent, agent_teams = build_directory(rng, args.experts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [args.seed / 1000])
        fill_companies(cursor)
    client = Client()
    client.force_login(agent)
    results = {}
    filled = 0
    for size in (args.small, args.needs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            fill_needs(cursor, first=filled + 1, last=size, expert_ids=expert_ids, subject_ids=subject_ids)
            cursor.execute("VACUUM ANALYZE")
            cursor.execute(
                "SELECT count(*) FROM conseillers_entreprises_match WHERE expert_id = ANY(%s)",
                [[team.pk for team in agent_teams]],
            )
            agent_matches = cursor.fetchone()[0]
        filled = size
        built = time.perf_counter() - started
        results[size] = measure_pages(client, agent_teams, args.requests, args.warmup)
        figures = results[size]
        print(
            f"{size:>9} besoins, {size * MATCHES_PER_NEED:>9} mises en relation (générées en {built:6.1f} s), "
            f"{agent_matches} pour les 3 équipes de l’agent : "
            f"boîte p95 {figures['inbox'][0]:.1f} ms ({figures['inbox'][1]} requêtes), "
            f"recherche p95 {figures['search'][0]:.1f} ms ({figures['search'][1]} requêtes), "
            f"page besoin p95 {figures['need'][0]:.1f} ms ({figures['need'][1]} requêtes)"
        )
    if args.explain:
        explain(agent_teams)
    final = results[args.needs]
    print(
        f"RESULT inbox_p95_ms={final['inbox'][0]:.1f} search_p95_ms={final['search'][0]:.1f} "
        f"need_p95_ms={final['need'][0]:.1f} inbox_queries={final['inbox'][1]} need_queries={final['need'][1]}"
    )


if __name__ == "__main__":
    main()
