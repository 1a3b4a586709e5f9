"""Periodic jobs: management commands listed with a cron expression in config/schedule.toml.

`manage.py run_scheduler` runs them in-process (one thread per running job), `--once` runs what is due in the
current minute, for a system cron that calls it every minute.
"""

import logging
import threading
import time
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from croniter import croniter
from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

SCHEDULE_PATH = Path(settings.BASE_DIR) / "config" / "schedule.toml"
_JOB_KEYS = {"name", "cron", "command", "args"}


class ScheduleError(Exception):
    pass


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    command: str
    args: tuple[str, ...] = field(default_factory=tuple)

    def next_run(self, after: datetime) -> datetime:
        return croniter(self.cron, timezone.localtime(after)).get_next(datetime)

    def is_due(self, moment: datetime) -> bool:
        """True when the cron expression matches the minute of `moment`."""
        return croniter.match(self.cron, timezone.localtime(moment).replace(second=0, microsecond=0))

    def __str__(self):
        return " ".join([self.command, *self.args])


def load_schedule(path: Path = SCHEDULE_PATH) -> list[Job]:
    """Read and check the schedule file; every mistake is reported with the job it concerns."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ScheduleError(f"Fichier de planification introuvable : {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise ScheduleError(f"{path} n'est pas un fichier TOML valide : {error}") from error
    unknown_sections = set(data) - {"jobs"}
    if unknown_sections:
        raise ScheduleError(f"{path} : section(s) inconnue(s) {sorted(unknown_sections)} (seule [[jobs]] est lue).")
    commands = get_commands()
    jobs = []
    for position, entry in enumerate(data.get("jobs", []), start=1):
        label = f"{path}, tâche n° {position} ({entry.get('name', 'sans nom')})"
        unknown_keys = set(entry) - _JOB_KEYS
        if unknown_keys:
            raise ScheduleError(f"{label} : clé(s) inconnue(s) {sorted(unknown_keys)}.")
        missing = {"name", "cron", "command"} - set(entry)
        if missing:
            raise ScheduleError(f"{label} : clé(s) manquante(s) {sorted(missing)}.")
        name, cron, command, args = entry["name"], entry["cron"], entry["command"], entry.get("args", [])
        if not isinstance(name, str) or not name:
            raise ScheduleError(f"{label} : « name » doit être un texte non vide.")
        if not isinstance(cron, str) or len(cron.split()) != 5 or not croniter.is_valid(cron):
            raise ScheduleError(
                f"{label} : expression cron invalide {cron!r} (5 champs : minute heure jour mois jour-semaine)."
            )
        if command not in commands:
            raise ScheduleError(f"{label} : commande inconnue {command!r}.")
        if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
            raise ScheduleError(f"{label} : « args » doit être une liste de textes.")
        if any(job.name == name for job in jobs):
            raise ScheduleError(f"{label} : le nom {name!r} est déjà utilisé.")
        jobs.append(Job(name=name, cron=cron, command=command, args=tuple(args)))
    if not jobs:
        raise ScheduleError(f"{path} ne déclare aucune tâche.")
    return jobs


def run_job(job: Job) -> bool:
    """Run one job in the current thread; an exception is logged, never raised. True when it succeeded."""
    logger.info("Tâche « %s » lancée : %s", job.name, job)
    started = time.monotonic()
    try:
        call_command(job.command, *job.args)
    except Exception:
        logger.exception("Tâche « %s » en échec après %.1f s", job.name, time.monotonic() - started)
        return False
    logger.info("Tâche « %s » terminée en %.1f s", job.name, time.monotonic() - started)
    return True


def run_due_jobs(jobs: list[Job], now: datetime | None = None) -> dict[str, bool]:
    """Run, one after the other, the jobs due in the minute of `now`; return each one's success."""
    now = now or timezone.now()
    return {job.name: run_job(job) for job in jobs if job.is_due(now)}


class Scheduler:
    """Runs each job at its cron times until stopped; a job still running when due again is skipped."""

    def __init__(self, jobs: list[Job]):
        self.jobs = jobs
        self.stop_event = threading.Event()
        self._running: dict[str, threading.Thread] = {}

    def stop(self) -> None:
        self.stop_event.set()

    def run_forever(self) -> None:
        next_runs = {job.name: job.next_run(timezone.now()) for job in self.jobs}
        logger.info("Planificateur démarré (%s tâches).", len(self.jobs))
        while not self.stop_event.is_set():
            now = timezone.now()
            for job in self.jobs:
                if next_runs[job.name] <= now:
                    self._start(job)
                    next_runs[job.name] = job.next_run(now)
            wait = (min(next_runs.values()) - timezone.now()).total_seconds()
            self.stop_event.wait(timeout=max(wait, 0.1))
        running = [thread for thread in self._running.values() if thread.is_alive()]
        if running:
            logger.info("Arrêt demandé : attente de %s tâche(s) en cours.", len(running))
        for thread in running:
            thread.join()
        logger.info("Planificateur arrêté.")

    def _start(self, job: Job) -> None:
        previous = self._running.get(job.name)
        if previous is not None and previous.is_alive():
            logger.warning("Tâche « %s » encore en cours : ce passage est sauté.", job.name)
            return
        thread = threading.Thread(target=self._run_in_thread, args=(job,), name=f"job-{job.name}")
        self._running[job.name] = thread
        thread.start()

    @staticmethod
    def _run_in_thread(job: Job) -> None:
        try:
            run_job(job)
        finally:
            # Connections belong to the thread that opened them: without this each run would leave one open.
            connections.close_all()
