"""What soak.py and faults.py share: a production-like Relais on 127.0.0.1 and a mixed load driven by wrk.

The platform: gunicorn (4 workers) on PostgreSQL with Redis, a db_worker, the scheduler and a local SMTP sink
(bench/smtp_sink.py), each a process of its own that a fault can stop. The load: four wrk processes, one per kind
of request (public pages, filings, an advisor's inbox and need pages, sign-ins), so that each kind has its own
latency figures; each paced by a Lua `delay()` to a target rate, each writing its counts to a JSON file.
Nothing leaves 127.0.0.1, every process is stopped at the end, whatever happens.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
from relais.sso.keys import generate_private_key_pem  # noqa: E402

HOST = "127.0.0.1"
FILING_SUBJECT = "strategie"
FILING_PATH = f"/aide-entreprise/accueil/demande/{FILING_SUBJECT}/"
LOGIN_PATH = "/compte/connexion/"
FROM_DOMAIN = "relais.beta.gouv.fr"
# The fault bench holds a send on this recipient marker to kill the worker in the middle of it.
SLOW_MARKER = "arret-brutal"


def require_local(url: str) -> None:
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit(f"le banc ne vise que 127.0.0.1 : {url}")


def recreate_database(url: str) -> None:
    """Drop and create the bench's own database (never one the bench did not name itself)."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"relais_[a-z0-9_]*(soak|faults|bench)[a-z0-9_]*", name):
        sys.exit(f"nom de base refusé : {name!r} (il doit contenir soak, faults ou bench)")
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


@dataclass
class Fixtures:
    theme_slug: str
    advisor_email: str
    need_ids: list[str]
    signin_emails: list[str]
    password: str
    login_field: str = "username"
    csrf_cookie: str = ""
    csrf_token: str = ""
    advisor_session: str = ""


FIXTURES_SNIPPET = (
    f'SUBJECT = "{FILING_SUBJECT}"'
    + """
import json
from django.db.models import Count
from relais.accounts.models import User
from relais.conseillers_entreprises.models import Match, Need, Theme
from relais.core.demo import DEMO_PASSWORD
top = Match.objects.values("expert__users__email").annotate(n=Count("id")).order_by("-n").first()
email = top["expert__users__email"]
needs = [str(i) for i in Need.objects.filter(matches__expert__users__email=email).distinct()
         .values_list("public_id", flat=True)[:6]]
signin = list(User.objects.filter(is_staff=False, is_active=True, experts__isnull=False).distinct()
              .order_by("email").values_list("email", flat=True)[:8])
theme = Theme.objects.filter(is_archived=False, subjects__slug=SUBJECT).values_list("slug", flat=True).first()
print(json.dumps({"theme_slug": theme, "advisor_email": email, "need_ids": needs, "signin_emails": signin,
                  "password": DEMO_PASSWORD}))
"""
)

AUDIT_SNIPPET = """
import json
from relais.conseillers_entreprises.enums import SolicitationAction
from relais.conseillers_entreprises.models import Solicitation, SolicitationEvent
from relais.notifications.models import Email
filings = Solicitation.objects.filter(email__startswith="soak-")
submitted = set(SolicitationEvent.objects.filter(solicitation__in=filings, action=SolicitationAction.SUBMITTED)
                .values_list("solicitation_id", flat=True))
addressed = set()
for to in Email.objects.filter(template__endswith="filing_confirmation").values_list("to", flat=True):
    addressed.update(to)
rows = [{"id": str(s["public_id"]), "siret": s["siret"], "complete": s["pk"] in submitted and s["email"] in addressed}
        for s in filings.values("pk", "public_id", "siret", "email")]
emails = [{"id": str(e["public_id"]), "status": e["status"], "attempts": e["attempts"]}
          for e in Email.objects.values("public_id", "status", "attempts")]
print(json.dumps({"filings": rows, "emails": emails}))
"""


class Platform:
    """The processes of one Relais installation; `stop_all()` ends every one of them."""

    def __init__(self, *, database_url: str, redis_url: str, web_port: int, sink_port: int, web_workers: int = 4):
        for url in (database_url, redis_url):
            require_local(url)
        self.tmp = Path(tempfile.mkdtemp(prefix="relais-soak-"))
        self.database_url, self.redis_url = database_url, redis_url
        self.web_port, self.sink_port, self.web_workers = web_port, sink_port, web_workers
        self.base_url = f"http://{HOST}:{web_port}"
        self.metrics_token = secrets.token_urlsafe(24)
        self.sink_log = self.tmp / "sink.jsonl"
        self.media = self.tmp / "media"
        self.media.mkdir()
        (self.tmp / "prometheus").mkdir()
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DJANGO_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "API_KEY_HMAC_SECRET": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "SITE_URL": self.base_url,
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "CACHE_URL": redis_url,
            "EMAIL_URL": f"smtp://{HOST}:{sink_port}",
            "EMAIL_TIMEOUT": "10",
            # A send interrupted by a killed worker is taken up again after a minute, not ten.
            "EMAIL_CLAIM_TIMEOUT": "60",
            "DEFAULT_FROM_EMAIL": f"Relais <ne-pas-repondre@{FROM_DOMAIN}>",
            "STATIC_ROOT": str(self.tmp / "static"),
            "MEDIA_ROOT": str(self.media),
            "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
            "METRICS_TOKEN": self.metrics_token,
            "PROMETHEUS_MULTIPROC_DIR": str(self.tmp / "prometheus"),
            "LOG_LEVEL": "INFO",
            "OIDC_RSA_PRIVATE_KEY": os.environ.get("OIDC_RSA_PRIVATE_KEY") or generate_private_key_pem(),
        }

    # Preparation

    def manage(self, *args: str, timeout: float = 900) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(
                f"échec de manage.py {' '.join(args)} :\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def shell(self, code: str) -> dict:
        return json.loads(self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1])

    def prepare(self) -> Fixtures:
        recreate_database(self.database_url)
        flush_redis(self.redis_url)
        started = time.monotonic()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.manage("load_referentials")
        self.manage("seed_demo", "--allow-production")
        print(f"base préparée (migrations, référentiels, démonstration) en {time.monotonic() - started:.0f} s")
        return Fixtures(**self.shell(FIXTURES_SNIPPET))

    def sign_in_fixtures(self, fixtures: Fixtures) -> None:
        """A CSRF pair for the anonymous POSTs, and a signed-in advisor's session for the inbox. Cookies are
        carried by hand: production marks them Secure, and the bench speaks plain HTTP on 127.0.0.1."""
        with httpx.Client(base_url=self.base_url, timeout=10, follow_redirects=False) as client:
            page = client.get(LOGIN_PATH)
            fixtures.csrf_cookie = _set_cookie(page, "csrftoken")
            fixtures.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            fixtures.login_field = "username" if 'name="username"' in page.text else "email"
            answer = client.post(
                LOGIN_PATH,
                data={
                    "csrfmiddlewaretoken": fixtures.csrf_token,
                    fixtures.login_field: fixtures.advisor_email,
                    "password": fixtures.password,
                },
                headers={"Cookie": f"csrftoken={fixtures.csrf_cookie}", "X-Forwarded-For": "192.0.2.1"},
            )
            if answer.status_code != 302:
                raise RuntimeError(f"connexion du conseiller refusée ({answer.status_code})")
            fixtures.advisor_session = _set_cookie(answer, "sessionid")
            cookie = f"csrftoken={fixtures.csrf_cookie}; sessionid={fixtures.advisor_session}"
            inbox = client.get("/besoins/", headers={"Cookie": cookie})
            if inbox.status_code != 200:
                raise RuntimeError(f"/besoins/ répond {inbox.status_code} au conseiller connecté")

    # Processes

    def _start(self, name: str, command: list[str], **kwargs) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("a")
        process = subprocess.Popen(
            command,
            env=kwargs.pop("env", self.env),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        self.processes[name] = process
        return process

    def start_sink(self) -> None:
        # Only the fault bench's own recipient is held; every other email goes through at once.
        command = [sys.executable, str(BENCH_DIR / "smtp_sink.py"), "--port", str(self.sink_port)]
        command += ["--log", str(self.sink_log), "--slow-marker", SLOW_MARKER, "--slow-seconds", "8"]
        self._start("sink", command)
        wait_for(lambda: _port_open(self.sink_port), 15, "le puits SMTP ne démarre pas")

    def start_web(self) -> None:
        for stale in (self.tmp / "prometheus").iterdir():
            stale.unlink()
        self._start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "-c",
                str(ROOT / "config" / "gunicorn.py"),
                "--workers",
                str(self.web_workers),
                "--bind",
                f"{HOST}:{self.web_port}",
                "--timeout",
                "30",
            ],
        )
        wait_for(lambda: self.get("/sante/vivant/").status_code == 200, 60, "gunicorn ne répond pas")

    def start_worker(self, name: str = "worker") -> None:
        self._start(
            name, [sys.executable, str(ROOT / "manage.py"), "db_worker", "--queue-name", "*", "--interval", "0.5"]
        )

    def start_scheduler(self) -> None:
        self._start("scheduler", [sys.executable, str(ROOT / "manage.py"), "run_scheduler"])

    def start_all(self) -> None:
        self.start_sink()
        self.start_web()
        self.start_worker()
        self.start_scheduler()

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def dead_processes(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def log_text(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(self.base_url + path, timeout=10, **kwargs)

    # Results

    def sink_received(self) -> dict[str, int]:
        """Message-ID → how many times the sink accepted it."""
        counts: dict[str, int] = {}
        if self.sink_log.exists():
            for line in self.sink_log.read_text().splitlines():
                entry = json.loads(line)
                if entry["event"] == "received":
                    counts[entry["message_id"]] = counts.get(entry["message_id"], 0) + 1
        return counts

    def audit(self) -> dict:
        return self.shell(AUDIT_SNIPPET)

    def wait_outbox_drained(self, timeout: float) -> bool:
        """True once no email is pending or being sent."""

        def drained() -> bool:
            return all(email["status"] in ("sent", "failed") for email in self.audit()["emails"])

        return wait_for(drained, timeout, None, interval=5)


def _set_cookie(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise RuntimeError(f"cookie {name} absent de la réponse {response.status_code} à {response.url}")


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def wait_for(condition, timeout: float, error: str | None, interval: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if condition():
                return True
        time.sleep(interval)
    if error:
        raise RuntimeError(error)
    return False


def message_id(email_id: str) -> str:
    return f"<{email_id}@{FROM_DOMAIN}>"


# The load

LUA_COMMON = r"""
counter = 0
statuses = {}
bad_bodies = 0
local threads = {}
local thread_id = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  thread_id = tonumber(wrk.thread:get("tid")) or 1
end

function delay()
  return DELAY_MS
end

function client_ip()
  return string.format("10.%d.%d.%d", (RUN * 16 + thread_id) % 256, math.floor(counter / 256) % 256, counter % 256)
end

function count(status, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- A 5xx must be our DSFR unavailability page, never a Django error page or a traceback.
  if status >= 500 and (status ~= 503 or not string.find(body, "Service momentan", 1, true)) then
    bad_bodies = bad_bodies + 1
    local f = io.open(OUT .. ".bad.html", "w")
    if f then f:write(body) f:close() end
  end
end

function done(summary, latency, requests)
  local codes, bad = {}, 0
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do codes[code] = (codes[code] or 0) + n end
    bad = bad + (thread:get("bad_bodies") or 0)
  end
  local parts = {}
  for code, n in pairs(codes) do table.insert(parts, string.format('"%d": %d', code, n)) end
  local points = {}
  for p = 1, 99 do table.insert(points, string.format("%.3f", latency:percentile(p) / 1000)) end
  for _, p in ipairs({99.5, 99.9}) do table.insert(points, string.format("%.3f", latency:percentile(p) / 1000)) end
  table.insert(points, string.format("%.3f", latency.max / 1000))
  local e = summary.errors
  local f = io.open(OUT, "w")
  f:write(string.format(
    '{"requests": %d, "duration_s": %.3f, "mean_ms": %.3f, "statuses": {%s}, "bad_bodies": %d, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "percentiles_ms": [%s]}',
    summary.requests, summary.duration / 1e6, latency.mean / 1000, table.concat(parts, ", "), bad,
    e.connect, e.read, e.write, e.timeout, table.concat(points, ", ")))
  f:close()
end
"""

LUA_KINDS = {
    "public": r"""
local paths = PATHS
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], {["X-Forwarded-For"] = client_ip()})
end
function response(status, headers, body) count(status, body) end
""",
    "filing": r"""
local function luhn_digit(digits)
  local sum, double = 0, true
  for i = #digits, 1, -1 do
    local d = tonumber(digits:sub(i, i))
    if double then d = d * 2 if d > 9 then d = d - 9 end end
    sum = sum + d
    double = not double
  end
  return tostring((10 - sum % 10) % 10)
end
local function siret(n)
  -- Distinct per run, thread and request: a SIRET seen twice in the database is a filing stored twice.
  local siren = string.format("9%02d%d%04d", RUN % 100, thread_id % 10, math.floor(n / 10000) % 10000)
  siren = siren .. luhn_digit(siren)
  local base = siren .. string.format("%04d", n % 10000)
  return base .. luhn_digit(base)
end
local accepted
function request()
  counter = counter + 1
  local token = string.format("%08x-%04x-4000-8000-%012x", thread_id, RUN, counter)
  local email = string.format("soak-%d-%d-%d%%40exemple.fr", RUN, thread_id, counter)
  local body = BODY .. "&submission_token=" .. token .. "&siret=" .. siret(counter) .. "&email=" .. email
  local headers = {}
  for k, v in pairs(HEADERS) do headers[k] = v end
  headers["X-Forwarded-For"] = client_ip()
  return wrk.format("POST", FILING_PATH, headers, body)
end
function response(status, headers, body)
  count(status, body)
  local location = headers["Location"] or headers["location"] or ""
  local id = string.match(location, "/demande/([%x-]+)/confirmation/")
  if status == 302 and id then
    if not accepted then accepted = io.open(OUT .. ".accepted." .. thread_id, "a") end
    accepted:write(id, "\n")
    accepted:flush()
  end
end
""",
    "advisor": r"""
local paths = PATHS
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], HEADERS)
end
function response(status, headers, body) count(status, body) end
""",
    "signin": r"""
local accounts = ACCOUNTS
function request()
  counter = counter + 1
  local headers = {}
  for k, v in pairs(HEADERS) do headers[k] = v end
  headers["X-Forwarded-For"] = client_ip()
  return wrk.format("POST", LOGIN_PATH, headers, BODY .. accounts[(counter % #accounts) + 1])
end
function response(status, headers, body) count(status, body) end
""",
}

# Connections per kind, the same for the measure of the maximum (wrk without pause) and the paced runs.
CONNECTIONS = {"public": 4, "filing": 2, "advisor": 3, "signin": 1}
# The paced mix: public pages, an advisor's inbox and need pages, filings, and a sign-in every fifty requests (a
# session then lasts many pages; each sign-in costs an Argon2 hash, a deliberately slow ~0.3 s of processor).
WEIGHTS = {"public": 0.50, "advisor": 0.28, "filing": 0.20, "signin": 0.02}
# What a correct answer is, per kind: anything else is reported (a filing form shown again is a refused filing).
EXPECTED = {"public": {200}, "filing": {302}, "advisor": {200}, "signin": {302}}


def _lua_string(value: str) -> str:
    return json.dumps(value)


def _lua_table(mapping: dict) -> str:
    return "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in mapping.items()) + "}"


def _lua_list(values: list[str]) -> str:
    return "{" + ", ".join(_lua_string(v) for v in values) + "}"


def lua_script(kind: str, fixtures: Fixtures, *, base_url: str, run: int, delay_ms: float, out: Path) -> str:
    header = [f"RUN = {run}", f"DELAY_MS = {int(delay_ms)}", f"OUT = {_lua_string(str(out))}"]
    csrf_cookie = f"csrftoken={fixtures.csrf_cookie}"
    form_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": csrf_cookie}
    if kind == "public":
        paths = [
            "/",
            "/aide-entreprise/accueil/",
            f"/aide-entreprise/accueil/theme/{fixtures.theme_slug}/",
            FILING_PATH,
            LOGIN_PATH,
        ]
        header.append(f"PATHS = {_lua_list(paths)}")
    elif kind == "filing":
        body = urlencode(
            {
                "csrfmiddlewaretoken": fixtures.csrf_token,
                "description": "Nous voulons revoir notre stratégie commerciale : nos ventes baissent depuis un an.",
                "first_name": "Claire",
                "last_name": "Martin",
                "phone": "06 12 34 56 78",
                "terms_accepted": "on",
                "website": "",
                "action": "submit",
            }
        )
        header += [
            f"BODY = {_lua_string(body)}",
            f"HEADERS = {_lua_table({**form_headers, 'Referer': base_url + FILING_PATH})}",
            f"FILING_PATH = {_lua_string(FILING_PATH)}",
        ]
    elif kind == "advisor":
        paths = []
        for need_id in fixtures.need_ids:
            paths += ["/besoins/", f"/besoins/{need_id}/"]
        cookie = f"{csrf_cookie}; sessionid={fixtures.advisor_session}"
        header += [f"PATHS = {_lua_list(paths)}", f"HEADERS = {_lua_table({'Cookie': cookie})}"]
    elif kind == "signin":
        body = urlencode({"csrfmiddlewaretoken": fixtures.csrf_token, "password": fixtures.password})
        accounts = [f"&{fixtures.login_field}={email.replace('@', '%40')}" for email in fixtures.signin_emails]
        header += [
            f"BODY = {_lua_string(body)}",
            f"ACCOUNTS = {_lua_list(accounts)}",
            f"HEADERS = {_lua_table({**form_headers, 'Referer': base_url + LOGIN_PATH})}",
            f"LOGIN_PATH = {_lua_string(LOGIN_PATH)}",
        ]
    return "\n".join(header) + "\n" + LUA_COMMON + LUA_KINDS[kind]


@dataclass
class KindResult:
    kind: str
    requests: int
    duration_s: float
    mean_ms: float
    statuses: dict[int, int]
    bad_bodies: int
    socket_errors: dict[str, int]
    percentiles_ms: list[float]
    accepted: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def percentile(self, p: float) -> float:
        return self.percentiles_ms[int(p) - 1] if p <= 99 else self.percentiles_ms[{99.5: 99, 99.9: 100, 100: 101}[p]]

    @property
    def errors_5xx(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)

    @property
    def unexpected(self) -> int:
        return sum(n for code, n in self.statuses.items() if code not in EXPECTED[self.kind] and code < 500)


class Load:
    """Four wrk processes started together; `wait()` returns each kind's result."""

    def __init__(self, platform: Platform, fixtures: Fixtures, *, run: int, duration: int, delays_ms: dict[str, float]):
        self.dir = platform.tmp / f"load-{run}"
        self.dir.mkdir()
        self.processes = {}
        for kind, delay in delays_ms.items():
            out = self.dir / f"{kind}.json"
            script = self.dir / f"{kind}.lua"
            script.write_text(lua_script(kind, fixtures, base_url=platform.base_url, run=run, delay_ms=delay, out=out))
            command = [
                "wrk",
                "-t1",
                f"-c{CONNECTIONS[kind]}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                platform.base_url,
            ]
            self.processes[kind] = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
            )

    def wait(self) -> dict[str, KindResult]:
        results = {}
        for kind, process in self.processes.items():
            output = process.communicate(timeout=3600)[0]
            out = self.dir / f"{kind}.json"
            if not out.exists():
                raise RuntimeError(f"wrk ({kind}) n'a rien écrit :\n{output}")
            data = json.loads(out.read_text())
            data["statuses"] = {int(code): n for code, n in data["statuses"].items()}
            accepted = []
            for path in self.dir.glob(f"{kind}.json.accepted.*"):
                accepted += path.read_text().split()
            results[kind] = KindResult(kind=kind, accepted=accepted, **data)
        return results

    def kill(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def merged_percentile(results: dict[str, KindResult], p: float) -> float:
    """The p-th percentile of all requests together, from each kind's percentile table (weighted by requests)."""
    points = sorted({value for result in results.values() for value in result.percentiles_ms})
    total = sum(result.requests for result in results.values())

    def share_below(result: KindResult, x: float) -> float:
        levels = [*range(1, 100), 99.5, 99.9, 100]
        below = [level for level, value in zip(levels, result.percentiles_ms, strict=True) if value <= x]
        return (below[-1] if below else 0) / 100

    for x in points:
        if sum(result.requests * share_below(result, x) for result in results.values()) >= p / 100 * total:
            return x
    return points[-1] if points else 0.0


def pacing(max_rps: float, share: float) -> tuple[dict[str, float], dict[str, float]]:
    """Per kind, the target rate (its weight in `share` of the maximum) and a first guess of the delay between
    two requests of one connection."""
    targets = {kind: max_rps * share * weight for kind, weight in WEIGHTS.items()}
    delays = {kind: CONNECTIONS[kind] * 1000 / rate for kind, rate in targets.items()}
    return targets, delays


def corrected_delays(targets: dict[str, float], calibration: dict[str, KindResult]) -> dict[str, float]:
    """A connection sends one request per (delay + latency): the delay is the interval minus the latency seen."""
    return {kind: max(CONNECTIONS[kind] * 1000 / rate - calibration[kind].mean_ms, 0) for kind, rate in targets.items()}


def print_results(results: dict[str, KindResult]) -> None:
    print(f"{'type':<9}{'req':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'5xx':>6}{'autres':>8}  statuts")
    for kind, result in results.items():
        statuses = " ".join(f"{code}:{n}" for code, n in sorted(result.statuses.items()))
        print(
            f"{kind:<9}{result.requests:>8}{result.rps:>9.1f}{result.percentile(50):>9.1f}{result.percentile(99):>9.1f}"
            f"{result.errors_5xx:>6}{result.unexpected:>8}  {statuses}"
        )


def check_integrity(platform: Platform, accepted: set[str]) -> dict:
    """Filings and emails, from the database and the sink: what was accepted is stored, complete, once; each
    email left once."""
    audit = platform.audit()
    rows = audit["filings"]
    row_ids = {row["id"] for row in rows}
    sirets = [row["siret"] for row in rows]
    received = platform.sink_received()
    emails = audit["emails"]
    expected_ids = {message_id(email["id"]) for email in emails}
    return {
        "filings": len(accepted),
        "rows": len(rows),
        "lost_filings": len(accepted - row_ids),
        "incomplete_filings": sum(not row["complete"] for row in rows),
        "duplicated_filings": len(sirets) - len(set(sirets)),
        "emails_queued": len(emails),
        "emails_sent": sum(1 for email in emails if message_id(email["id"]) in received),
        "emails_unsent": sum(1 for email in emails if message_id(email["id"]) not in received),
        "emails_failed": sum(email["status"] == "failed" for email in emails),
        "duplicated_emails": sum(count - 1 for mid, count in received.items() if mid in expected_ids and count > 1),
        "unknown_emails": sum(1 for mid in received if mid not in expected_ids),
    }


def file_request(platform: Platform, fixtures: Fixtures, *, email: str, number: int) -> str:
    """One filing sent as a browser would, outside wrk; returns the public id of the stored request."""
    import uuid

    from stdnum import luhn

    siren_base = f"8{number % 10**7:07d}"
    siren = siren_base + luhn.calc_check_digit(siren_base)
    base = siren + "0001"
    answer = httpx.post(
        platform.base_url + FILING_PATH,
        data={
            "csrfmiddlewaretoken": fixtures.csrf_token,
            "description": "Nous voulons revoir notre stratégie commerciale : nos ventes baissent depuis un an.",
            "siret": base + luhn.calc_check_digit(base),
            "first_name": "Claire",
            "last_name": "Martin",
            "phone": "06 12 34 56 78",
            "email": email,
            "terms_accepted": "on",
            "website": "",
            "action": "submit",
            "submission_token": str(uuid.uuid4()),
        },
        headers={"Cookie": f"csrftoken={fixtures.csrf_cookie}", "X-Forwarded-For": f"192.0.2.{number % 250 + 2}"},
        timeout=15,
    )
    found = re.search(r"/demande/([0-9a-f-]+)/confirmation/", answer.headers.get("location", ""))
    if answer.status_code != 302 or not found:
        raise RuntimeError(f"dépôt refusé ({answer.status_code})")
    return found.group(1)


def add_platform_arguments(parser: argparse.ArgumentParser, *, database: str, web_port: int, sink_port: int) -> None:
    parser.add_argument("--share", type=float, default=0.7, help="part du maximum mesuré (défaut 0,7)")
    parser.add_argument("--probe", type=int, default=30, help="secondes de mesure du maximum (défaut 30)")
    parser.add_argument("--calibration", type=int, default=20, help="secondes de réglage du rythme (défaut 20)")
    parser.add_argument("--database-url", default=database, help="base PostgreSQL locale, recréée")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5", help="base Redis locale, vidée")
    parser.add_argument("--web-port", type=int, default=web_port)
    parser.add_argument("--sink-port", type=int, default=sink_port)
    parser.add_argument("--keep", action="store_true", help="garde le dossier temporaire (journaux)")


def platform_from(args: argparse.Namespace) -> Platform:
    if not shutil.which("wrk"):
        sys.exit("wrk est introuvable : apt-get install -y wrk")
    return Platform(
        database_url=args.database_url, redis_url=args.redis_url, web_port=args.web_port, sink_port=args.sink_port
    )


def close(platform: Platform, *, keep: bool) -> None:
    platform.stop_all()
    if keep:
        print(f"journaux gardés dans {platform.tmp}")
    else:
        shutil.rmtree(platform.tmp, ignore_errors=True)


@dataclass
class Pacing:
    maximum: dict[str, KindResult]
    max_rps: float
    targets: dict[str, float]
    delays_ms: dict[str, float]


def measure_and_pace(platform: Platform, fixtures: Fixtures, args: argparse.Namespace, accepted: set[str]) -> Pacing:
    """Warm up, measure the maximum (no pause), then find the delays that hold the mix at `args.share` of it.
    Runs 1 to 3; the filings they accept are added to `accepted`."""

    def run(number: int, duration: int, delays: dict[str, float]) -> dict[str, KindResult]:
        results = Load(platform, fixtures, run=number, duration=duration, delays_ms=delays).wait()
        for result in results.values():
            accepted.update(result.accepted)
        return results

    no_pause = dict.fromkeys(CONNECTIONS, 0)
    run(1, 5, no_pause)  # templates compiled, connections opened
    maximum = run(2, args.probe, no_pause)
    max_rps = sum(result.rps for result in maximum.values())
    targets, first_guess = pacing(max_rps, args.share)
    calibration = run(3, args.calibration, first_guess)
    return Pacing(maximum, max_rps, targets, corrected_delays(targets, calibration))
