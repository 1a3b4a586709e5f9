import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from .seed_demo import print_demo_accounts


class Command(BaseCommand):
    help = "Lance ensemble le serveur web, un travailleur de tâches et le planificateur (plateforme locale)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Adresse du serveur web (défaut : %(default)s).")

    def handle(self, *args, addr, **options):
        manage = [sys.executable, "manage.py"]
        environment = dict(os.environ)
        if "SITE_URL" not in os.environ:
            # The links of the emails lead to the address served here, unless SITE_URL (or .env) says otherwise.
            environment["SITE_URL"] = site_url_of(addr)
        # Each child leads its own process group, so that stopping it also stops what it spawned
        # (runserver's autoreloader runs the server in a grandchild).
        processes = {
            name: subprocess.Popen([*manage, *arguments], start_new_session=True, env=environment)
            for name, arguments in [
                ("web", ["runserver", addr]),
                ("worker", ["db_worker", "--queue-name", "*"]),
                ("scheduler", ["run_scheduler"]),
            ]
        }
        self.stdout.write(self.style.SUCCESS(f"\nRelais est servi sur http://{addr}/ (Ctrl-C pour arrêter)"))
        self.stdout.write(f"Les liens des courriels mènent à {environment['SITE_URL']} (variable SITE_URL).")
        print_demo_accounts(self.stdout)
        self.stdout.write(f"{emails_destination()} (EMAIL_URL pour les envoyer ailleurs).\n")

        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            # A platform with a dead worker or scheduler would silently stop sending emails: stop everything.
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"Le processus « {name} » s'est arrêté (code {process.returncode}).")
                        stopping = True
                time.sleep(0.5)
        finally:
            for process in processes.values():
                _signal_group(process, signal.SIGTERM)
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)


def site_url_of(addr: str) -> str:
    """ "0.0.0.0:8000" listens everywhere but is no address to click: the links then use 127.0.0.1."""
    host, _, port = addr.rpartition(":") if ":" in addr else ("127.0.0.1", ":", addr)
    if host in ("", "0.0.0.0", "[::]", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def emails_destination() -> str:
    """Where the worker delivers the emails, as EMAIL_URL set it."""
    backend = settings.EMAIL_DELIVERY_BACKEND.rsplit(".", 2)[-2]
    if backend == "console":
        return "Les courriels s'affichent dans cette console"
    if backend == "filebased":
        return f"Les courriels s'écrivent dans le dossier {Path(settings.EMAIL_FILE_PATH).resolve()}"
    if backend == "smtp":
        return f"Les courriels partent par le serveur SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if backend == "locmem":
        return "Les courriels restent en mémoire, sans être envoyés"
    return f"Les courriels partent par {settings.EMAIL_DELIVERY_BACKEND}"


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
