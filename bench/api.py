"""The public API under gunicorn and wrk, next to the plain HTML filing of the same run (Conseillers-Entreprises).

Usage: .venv/bin/python bench/api.py [--database-url postgres://postgres@127.0.0.1:5432/relais_api_bench]
[--duration 10] [--connections 8] [--workers 2] [--structures 100000]  (without --database-url: a temporary SQLite
file)

Measures, on the code paths the product runs:
- `GET /api/v1/landing_subjects?landing=…` with a partner key (authentication, quota, last use, 40-odd subjects with
  their questions and institutions);
- `GET /api/v1/francenum/activateurs` without a key (the open data of France Num, per-IP quota lifted by
  API_ANONYMOUS_RATE_LIMIT), first page and a page filtered by région, over `--structures` published activators
  (100,000 by default) generated in bulk by `francenum_data.fill` (the generator of bench/francenum.py), once per
  database: a database that already holds activators keeps them;
- `POST /api/v1/solicitations` with a new Idempotency-Key per request (the public form's cleaning and the site's
  filing service) and the HTML filing POST of the public form (`bench/intake.py`), taking turns on the same server
  and database: a warm-up of each, then `--post-rounds` rounds of API then HTML; the throughput is the rounds' mean.
Reads are measured twice: throughput with wrk at `--connections` (its p99 is then the queue, "p99 saturé"), and the
latency a caller sees with `--latency-connections` plain clients (one per worker by default) each sending one
request after the other: median and p99 over every request. wrk's own latencies at one connection are not used:
for the 38 KB answer of landing_subjects their sum exceeds the run's duration.
Last line: `RESULT api_post_rps=… html_post_rps=… subjects_p99_ms=… opendata_p99_ms=… opendata_first_p99_ms=…
opendata_region_p99_ms=… reads_saturated_p99_ms=…` (`opendata_p99_ms`: the worse of the two lists).

Measured on this machine (2 cores shared with another engineer's runs, load 2 to 3.6), with 100,000 activators
(bench/README.md for the details):
  .venv/bin/python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/relais_api_bench
  RESULT api_post_rps=168.1 html_post_rps=161.3 subjects_p99_ms=5.4 opendata_p99_ms=7.6
  opendata_first_p99_ms=5.9 opendata_region_p99_ms=7.6 reads_saturated_p99_ms=32.7
  .venv/bin/python bench/api.py
  RESULT api_post_rps=137.9 html_post_rps=138.2 subjects_p99_ms=9.5 opendata_p99_ms=11.2
  opendata_first_p99_ms=9.7 opendata_region_p99_ms=11.2 reads_saturated_p99_ms=52.3
"""

import argparse
import http.client
import json
import math
import multiprocessing
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from intake import SETUP as INTAKE_SETUP
from intake import count_solicitations, csrf_pair, lua_script
from intake import wrk_post as wrk_script  # any method: the Lua script makes the request
from run import HOST, ROOT, fetch, free_port, relais_env, run, start_gunicorn, stop, wait_ready, wrk

LANDING = "mon-entreprise-urssaf-fr"
SUBJECT = "strategie"
HTML_FORM_PATH = f"/aide-entreprise/accueil/demande/{SUBJECT}/"

SETUP = (
    INTAKE_SETUP
    + f"""
from relais.api.enums import Scope
from relais.api.models import ApiKey, Partner
from relais.api.services.keys import create_key
from relais.conseillers_entreprises.models import Institution, InstitutionSubject, Landing, Subject
institution, _ = Institution.objects.get_or_create(slug="urssaf", defaults={{"name": "URSSAF"}})
Landing.objects.filter(slug="{LANDING}").update(institution=institution)
for subject in Subject.objects.all()[:10]:
    InstitutionSubject.objects.get_or_create(institution=institution, subject=subject)
partner, _ = Partner.objects.get_or_create(
    name="Banc", defaults={{"institution": institution, "allowed_scopes": [Scope.CE_READ, Scope.CE_FILE]}}
)
key, secret = create_key(partner=partner, name="Banc", scopes=[Scope.CE_READ, Scope.CE_FILE], actor=None)
# The per-key override: the bench sends far more than 300 requests per 5 minutes.
ApiKey.objects.filter(pk=key.pk).update(quota=100_000_000)
print("SECRET=" + secret)
"""
)

OPEN_DATA_PATH = "/api/v1/francenum/activateurs"
OPEN_DATA_REGION = "84"  # a région of the generated grid (francenum_data.REGIONS)

GENERATE = """
import random
import sys
sys.path.insert(0, "bench")
from francenum_data import fill
from relais.francenum.models import Activator
if not Activator.objects.exists():
    fill({count}, random.Random(2026))
print("ACTIVATORS=" + str(Activator.objects.count()))
"""

# One Idempotency-Key per request: thread number, run number and a counter.
POST_LUA = """
local counter = 0
local thread_id = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
end
function request()
  counter = counter + 1
  local headers = {}
  for name, value in pairs(HEADERS) do headers[name] = value end
  headers["Idempotency-Key"] = string.format("banc-%s-%d-%d-%d", NONCE, RUN, thread_id, counter)
  return wrk.format("POST", nil, headers, BODY)
end
"""

# A database may serve several runs: keys and tokens of this run must not be those of an earlier one, which
# would be answered as replays (one solicitation for two runs).
NONCE = secrets.token_hex(4)
HTML_RUN_BASE = secrets.randbelow(0xF000)

GET_LUA = """
wrk.headers["Authorization"] = AUTHORIZATION
"""


def _client_latencies(url: str, headers: dict, duration: float) -> list[float]:
    """One client sending GETs one after the other for `duration` seconds: each request's time, in ms.

    A new connection per request, as gunicorn's sync workers close each one; the time runs from connecting to the
    last byte of the body, which is checked to be complete.
    """
    parts = urlsplit(url)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    latencies = []
    end = time.perf_counter() + duration
    while time.perf_counter() < end:
        start = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status != 200 or len(body) != int(response.getheader("Content-Length", -1)):
            raise RuntimeError(f"{url} répond {response.status} ({len(body)} octets)")
    return latencies


def read_latency(url: str, *, headers: dict, clients: int, duration: int) -> tuple[float, float, int]:
    """Median and p99 (ms) of reads made by `clients` processes each sending one request after the other.

    wrk reports latencies at one connection whose sum exceeds the run's duration for the 38 KB answer of
    landing_subjects (its histogram then counts more than the requests' own times), so the latency a caller sees
    is measured here by plain clients; wrk keeps measuring throughput.
    """
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        runs = pool.starmap(_client_latencies, [(url, headers, duration)] * clients)
    latencies = sorted(value for run in runs for value in run)
    return _nearest_rank(latencies, 0.5), _nearest_rank(latencies, 0.99), len(latencies)


def _nearest_rank(ordered: list[float], fraction: float) -> float:
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for this ASCII-escaped content


def api_post_script(path: Path, *, secret: str, run_number: int) -> None:
    body = {
        "landing": LANDING,
        "subject": SUBJECT,
        "description": "Nous voulons faire le point sur notre stratégie : les ventes baissent depuis un an.",
        "siret": "41816609600069",
        "first_name": "Claire",
        "last_name": "Martin",
        "phone": "06 12 34 56 78",
        "email": "claire@boulangerie-du-banc.fr",
        "terms_accepted": True,
    }
    headers = f'{{["Content-Type"] = "application/json", ["Authorization"] = {_lua_string("Bearer " + secret)}}}'
    path.write_text(
        f"RUN = {run_number}\nNONCE = {_lua_string(NONCE)}\nHEADERS = {headers}\n"
        f"BODY = {_lua_string(json.dumps(body))}\n{POST_LUA}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default=None, help="base PostgreSQL locale, migrée au démarrage (défaut : SQLite temporaire)"
    )
    parser.add_argument("--duration", type=int, default=10, help="secondes de mesure par cible (défaut 10)")
    parser.add_argument("--connections", type=int, default=8, help="connexions simultanées de wrk (défaut 8)")
    parser.add_argument("--threads", type=int, default=2, help="threads de wrk (défaut 2)")
    parser.add_argument("--workers", type=int, default=2, help="workers gunicorn (défaut 2)")
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=0,
        help="clients de la mesure de latence des lectures, une requête après l'autre chacun "
        "(défaut : autant que de workers)",
    )
    parser.add_argument("--warmup", type=int, default=2, help="secondes de chauffe par cible (défaut 2)")
    parser.add_argument(
        "--post-rounds",
        type=int,
        default=2,
        help="tours des dépôts, API puis formulaire HTML à chaque tour (défaut 2) ; débit moyen des tours",
    )
    parser.add_argument("--port", type=int, default=0, help="port de gunicorn (défaut : un port libre)")
    parser.add_argument(
        "--structures", type=int, default=100_000, help="activateurs France Num publiés générés (défaut 100 000)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk est introuvable : apt-get install -y wrk")
    if args.database_url and "127.0.0.1" not in args.database_url and "localhost" not in args.database_url:
        sys.exit("le banc ne vise que 127.0.0.1 : --database-url doit désigner une base locale")

    tmp = Path(tempfile.mkdtemp(prefix="relais-api-"))
    process = None
    wrk_options = {"threads": args.threads, "connections": args.connections}
    # Reads are measured twice: at saturation (throughput; the p99 is then the queue, connections / throughput) and
    # at the load the workers serve without queueing (one connection each: the p99 a caller sees, the target's).
    clients = args.latency_connections or args.workers
    results: dict[str, tuple[float, float, int]] = {}
    latency: dict[str, tuple[float, float, int]] = {}
    try:
        # The per-IP limits of the HTML form and of the open data would refuse most requests of this single client.
        env = {
            **relais_env(tmp, args.database_url),
            "CE_INTAKE_RATE_LIMIT": "0",
            "API_ANONYMOUS_RATE_LIMIT": "1000000000/300",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        run([*manage, "migrate", "--noinput"], env=env, cwd=ROOT)
        run([*manage, "collectstatic", "--noinput"], env=env, cwd=ROOT)
        setup = subprocess.run([*manage, "shell", "-c", SETUP], env=env, cwd=ROOT, capture_output=True, text=True)
        if setup.returncode:
            sys.exit(f"préparation impossible :\n{setup.stderr}")
        secret = re.search(r"^SECRET=(\S+)$", setup.stdout, re.MULTILINE).group(1)
        generate = subprocess.run(
            [*manage, "shell", "-c", GENERATE.format(count=args.structures)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if generate.returncode:
            sys.exit(f"génération des activateurs impossible :\n{generate.stderr}")
        activators = int(re.search(r"^ACTIVATORS=(\d+)$", generate.stdout, re.MULTILINE).group(1))
        before = count_solicitations(env)

        port = args.port or free_port()
        base_url = f"http://{HOST}:{port}"
        log = tmp / "gunicorn.log"
        process = start_gunicorn("config.wsgi:application", env=env, cwd=ROOT, port=port, workers=args.workers, log=log)
        wait_ready(base_url + "/sante/ping/", process, log)

        get_script = tmp / "subjects.lua"
        get_script.write_text(f"AUTHORIZATION = {_lua_string('Bearer ' + secret)}\n{GET_LUA}")
        subjects_url = f"{base_url}/api/v1/landing_subjects?landing={LANDING}"
        for duration in (args.warmup, args.duration):
            results["subjects"] = wrk_script(subjects_url, get_script, duration=duration, **wrk_options)
        authorization = {"Authorization": "Bearer " + secret}
        latency["subjects"] = read_latency(subjects_url, headers=authorization, clients=clients, duration=args.duration)

        open_data_urls = {
            "opendata_first": f"{base_url}{OPEN_DATA_PATH}",
            "opendata_region": f"{base_url}{OPEN_DATA_PATH}?region={OPEN_DATA_REGION}",
        }
        for name, url in open_data_urls.items():
            status, body = fetch(url)
            if status != 200 or len(json.loads(body)["results"]) != 100:
                sys.exit(f"{url} répond {status} sans une page de 100 activateurs :\n{body[:2000]}")
            for duration in (args.warmup, args.duration):
                measure = wrk(url, duration=duration, **wrk_options)
            results[name] = (measure.rps, measure.p99_ms, measure.requests)
            latency[name] = read_latency(url, headers={}, clients=clients, duration=args.duration)

        # The two filings take turns (warm-up of each, then rounds of API then HTML): a drift of the machine or of
        # the database during the run weighs on both alike.
        cookie, token = csrf_pair(base_url)
        posts: dict[str, list[tuple[float, float, int]]] = {"api_post": [], "html_post": []}
        sent = 0
        for run_number in range(1 + args.post_rounds):
            duration = args.warmup if run_number == 0 else args.duration
            api_script = tmp / f"api-post-{run_number}.lua"
            api_post_script(api_script, secret=secret, run_number=run_number)
            html_script = tmp / f"html-post-{run_number}.lua"
            html_run = HTML_RUN_BASE + run_number
            lua_script(html_script, base_url=base_url, cookie=cookie, token=token, run_number=html_run)
            for name, url, script in (
                ("api_post", f"{base_url}/api/v1/solicitations", api_script),
                ("html_post", base_url + HTML_FORM_PATH, html_script),
            ):
                measure = wrk_script(url, script, duration=duration, **wrk_options)
                sent += measure[2]
                if run_number:
                    posts[name].append(measure)
        for name, rounds in posts.items():
            results[name] = (
                sum(rps for rps, _p99, _requests in rounds) / len(rounds),
                max(p99 for _rps, p99, _requests in rounds),
                sum(requests for _rps, _p99, requests in rounds),
            )
        filed = count_solicitations(env) - before
    finally:
        if process is not None:
            stop(process)
        shutil.rmtree(tmp, ignore_errors=True)

    print(
        f"gunicorn {args.workers} workers ; débit : wrk -t{args.threads} -c{args.connections} -d{args.duration}s ; "
        f"latence des lectures : {clients} clients, une requête après l'autre, {args.duration} s"
    )
    print(f"{activators} activateurs France Num publiés")
    print(f"{'cible':<32} {'req/s':>8} {'p99 saturé (ms)':>16} {'médiane (ms)':>13} {'p99 (ms)':>9} {'lectures':>9}")
    for name, label in (
        ("subjects", "GET landing_subjects"),
        ("opendata_first", "GET activateurs (page 1)"),
        ("opendata_region", f"GET activateurs?region={OPEN_DATA_REGION}"),
        ("api_post", "POST /api/v1/solicitations"),
        ("html_post", "POST formulaire HTML"),
    ):
        rps, p99, _requests = results[name]
        if name in latency:
            median, client_p99, reads = latency[name]
            print(f"{label:<32} {rps:>8.1f} {p99:>16.1f} {median:>13.1f} {client_p99:>9.1f} {reads:>9}")
        else:
            print(f"{label:<32} {rps:>8.1f} {p99:>16.1f}")
    # wrk does not count the requests still in flight when it stops (up to one per connection and run); the server
    # files them all the same.
    post_runs = 2 * (1 + args.post_rounds)
    if not sent <= filed <= sent + post_runs * args.connections:
        sys.exit(f"chaque dépôt doit créer une sollicitation : {filed} pour {sent} envois")
    print(f"{filed} sollicitations créées pour {sent} dépôts envoyés (chauffe comprise)")
    subjects, first, region = (latency[name][1] for name in ("subjects", "opendata_first", "opendata_region"))
    saturated = max(results[name][1] for name in ("subjects", "opendata_first", "opendata_region"))
    print(
        f"RESULT api_post_rps={results['api_post'][0]:.1f} html_post_rps={results['html_post'][0]:.1f} "
        f"subjects_p99_ms={subjects:.1f} opendata_p99_ms={max(first, region):.1f} "
        f"opendata_first_p99_ms={first:.1f} opendata_region_p99_ms={region:.1f} "
        f"reads_saturated_p99_ms={saturated:.1f}"
    )


if __name__ == "__main__":
    main()
