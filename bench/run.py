"""Throughput of Relais' pages against a trivial view and a naive django-dsfr page, under gunicorn and wrk.

Usage: .venv/bin/python bench/run.py [--duration 10] [--connections 8] [--database-url postgres://...]
The last line printed is `RESULT ok_rps=… naive_rps=… home_rps=… form_rps=…`.
"""

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
from relais.sso.keys import generate_private_key_pem  # noqa: E402

NAIVE_DIR = BENCH_DIR / "naive"
HOST = "127.0.0.1"


@dataclass
class Target:
    name: str
    server: str
    path: str
    # A fragment the page must contain: a broken page answering fast must not pass for a fast page.
    expect: str


TARGETS = [
    Target("ok", "relais", "/sante/ping/", "ok"),
    Target("naive", "naive", "/", 'name="consent"'),
    Target("home", "relais", "/", "fr-header"),
    Target("form", "relais", "/compte/connexion/", 'name="password"'),
]


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run(cmd: list[str], *, env: dict, cwd: Path) -> None:
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"échec de {' '.join(cmd)} :\n{result.stdout}\n{result.stderr}")


def relais_env(tmp: Path, database_url: str | None) -> dict:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'relais.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "LOG_LEVEL": "WARNING",
        # Production settings require the single sign-on signing key; a throwaway one serves the bench.
        "OIDC_RSA_PRIVATE_KEY": os.environ.get("OIDC_RSA_PRIVATE_KEY") or generate_private_key_pem(),
        "API_KEY_HMAC_SECRET": secrets.token_urlsafe(50),
    }


def naive_env(tmp: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "naive_site.settings",
        "PYTHONPATH": str(NAIVE_DIR),
        "NAIVE_SECRET_KEY": secrets.token_urlsafe(50),
        "NAIVE_DATABASE_PATH": str(tmp / "naive.sqlite3"),
    }


def start_gunicorn(wsgi: str, *, env: dict, cwd: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", wsgi, "--workers", str(workers), "--bind", f"{HOST}:{port}"]
    # A session of its own, so that stopping the master's group stops its workers with it.
    with log.open("w") as output:
        return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn s'est arrêté :\n{log.read_text()}")
        with contextlib.suppress(OSError):
            fetch(url)
            return
        time.sleep(0.2)
    sys.exit(f"{url} ne répond pas après {timeout}s :\n{log.read_text()}")


def check_page(target: Target, url: str) -> None:
    status, body = fetch(url)
    if status != 200 or target.expect not in body:
        sys.exit(f"{target.name} : {url} répond {status} sans « {target.expect} » :\n{body[:2000]}")


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency_ms(output: str, percentile: str) -> float:
    match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not match:
        raise ValueError(f"percentile {percentile}% absent de la sortie de wrk:\n{output}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def wrk(url: str, *, threads: int, connections: int, duration: int) -> Measure:
    cmd = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{duration}s", url]
    output = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    # wrk counts 4xx/5xx answers as requests: such a run measures an error page, not the page.
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url} : {errors.group(1)} réponses en erreur pendant la mesure\n{output}")
    socket_errors = re.search(r"Socket errors: .*", output)
    if socket_errors:
        sys.exit(f"{url} : {socket_errors.group(0)}\n{output}")
    return Measure(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_latency_ms(output, "50"),
        p99_ms=_latency_ms(output, "99"),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
    )


def print_table(results: dict[str, Measure]) -> None:
    ok, naive = results["ok"].rps, results["naive"].rps
    print(f"{'cible':<8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'/ ok':>8}{'/ naïve':>10}")
    for name, measure in results.items():
        print(
            f"{name:<8}{measure.rps:>10.1f}{measure.p50_ms:>10.2f}{measure.p99_ms:>10.2f}"
            f"{measure.rps / ok:>8.2f}{measure.rps / naive:>10.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="secondes de mesure par page (défaut 10)")
    parser.add_argument("--connections", type=int, default=8, help="connexions simultanées de wrk (défaut 8)")
    parser.add_argument("--threads", type=int, default=2, help="threads de wrk (défaut 2)")
    parser.add_argument("--workers", type=int, default=2, help="workers gunicorn par serveur (défaut 2)")
    parser.add_argument("--warmup", type=int, default=2, help="secondes de chauffe par page (défaut 2)")
    parser.add_argument(
        "--database-url",
        help="base de Relais (migrée au démarrage), par ex. postgres://postgres@127.0.0.1:5432/relais_bench ; "
        "par défaut une base SQLite temporaire",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk est introuvable : apt-get install -y wrk")
    if args.database_url and "127.0.0.1" not in args.database_url and "localhost" not in args.database_url:
        sys.exit("le banc ne vise que 127.0.0.1 : --database-url doit désigner une base locale")

    tmp = Path(tempfile.mkdtemp(prefix="relais-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        t0 = time.monotonic()
        relais, naive = relais_env(tmp, args.database_url), naive_env(tmp)
        manage = [sys.executable, str(ROOT / "manage.py")]
        run([*manage, "migrate", "--noinput"], env=relais, cwd=ROOT)
        run([*manage, "collectstatic", "--noinput"], env=relais, cwd=ROOT)
        run([sys.executable, "-m", "django", "migrate", "--noinput"], env=naive, cwd=NAIVE_DIR)
        print(f"bases migrées et fichiers statiques collectés en {time.monotonic() - t0:.1f}s ({tmp})")

        ports = {"relais": free_port(), "naive": free_port()}
        servers = {
            "relais": ("config.wsgi:application", relais, ROOT),
            "naive": ("naive_site.wsgi:application", naive, NAIVE_DIR),
        }
        for name, (wsgi, env, cwd) in servers.items():
            log = tmp / f"{name}-gunicorn.log"
            process = start_gunicorn(wsgi, env=env, cwd=cwd, port=ports[name], workers=args.workers, log=log)
            processes.append(process)
            wait_ready(f"http://{HOST}:{ports[name]}/", process, log)

        results: dict[str, Measure] = {}
        for target in TARGETS:
            url = f"http://{HOST}:{ports[target.server]}{target.path}"
            check_page(target, url)
            # Warm-up fills each worker's template cache and opens its database connection.
            wrk(url, threads=args.threads, connections=args.connections, duration=args.warmup)
            results[target.name] = wrk(url, threads=args.threads, connections=args.connections, duration=args.duration)
            measure = results[target.name]
            print(f"{target.name:<6} {url} : {measure.requests} requêtes en {args.duration}s")
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"gunicorn {args.workers} workers ; wrk -t{args.threads} -c{args.connections} -d{args.duration}s")
    print_table(results)
    print("RESULT " + " ".join(f"{name}_rps={results[name].rps:.1f}" for name in ("ok", "naive", "home", "form")))


if __name__ == "__main__":
    main()
