import contextlib
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from .seed_demo import print_demo_accounts


class Command(BaseCommand):
    help = "Lance ensemble le serveur web, un travailleur de tâches et le planificateur (plateforme locale)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Adresse du serveur web (défaut : %(default)s).")

    def handle(self, *args, addr, **options):
        manage = [sys.executable, "manage.py"]
        # Each child leads its own process group, so that stopping it also stops what it spawned
        # (runserver's autoreloader runs the server in a grandchild).
        processes = {
            name: subprocess.Popen([*manage, *arguments], start_new_session=True)
            for name, arguments in [
                ("web", ["runserver", addr]),
                ("worker", ["db_worker", "--queue-name", "*"]),
                ("scheduler", ["run_scheduler"]),
            ]
        }
        self.stdout.write(self.style.SUCCESS(f"\nRelais est servi sur http://{addr}/ (Ctrl-C pour arrêter)"))
        print_demo_accounts(self.stdout)
        self.stdout.write("Les courriels partent dans cette console (EMAIL_URL pour les envoyer ailleurs).\n")

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


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
