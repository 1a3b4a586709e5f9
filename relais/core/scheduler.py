"""Periodic jobs: management commands listed with a cron expression in config/schedule.toml.

`manage.py run_scheduler` runs them in-process (one thread per running job), `--once` runs what is due in the
current minute, for a system cron that calls it every minute.

Each run first inserts its `JobRun` row, unique per job and slot (the minute the cron expression fell on): two
schedulers, on one machine or several, never run the same job twice in a slot; the second one logs that it skips
it. The scheduler also writes a heartbeat that /sante/ reads, and survives a database outage (it logs, waits and
goes on).
"""

import logging
import os
import socket
import threading
import time
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from croniter import croniter
from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import DatabaseError, IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone

from .models import JobRun, SchedulerHeartbeat

logger = logging.getLogger(__name__)

SCHEDULE_PATH = Path(settings.BASE_DIR) / "config" / "schedule.toml"
_JOB_KEYS = {"name", "cron", "command", "args"}
# Who ran a job, in the admin's list of runs (never shown to the public).
INSTANCE = f"{socket.gethostname()}:{os.getpid()}"
HEARTBEAT_SECONDS = 30
KEEP_RUNS = timedelta(days=30)


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


def slot_of(moment: datetime) -> datetime:
    """The minute a run belongs to: the same for every scheduler that runs the job at that time."""
    return moment.replace(second=0, microsecond=0)


def claim_run(job: Job, slot: datetime) -> JobRun | None:
    """The run's row if this process is the first to claim the slot, else None."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, slot=slot, host=INSTANCE)
    except IntegrityError:
        return None


def run_job(job: Job, slot: datetime) -> bool | None:
    """Run one job in the current thread unless another scheduler has claimed its slot; an exception is logged,
    never raised. True when it succeeded, False when it failed, None when it was skipped."""
    try:
        run = claim_run(job, slot)
    except DatabaseError as error:
        logger.warning("Tâche « %s » non lancée : base de données injoignable (%s).", job.name, type(error).__name__)
        return False
    if run is None:
        logger.info(
            "Tâche « %s » du créneau %s déjà lancée par un autre planificateur : sautée.",
            job.name,
            f"{timezone.localtime(slot):%d/%m/%Y %H:%M}",
        )
        return None
    logger.info("Tâche « %s » lancée : %s", job.name, job)
    started = time.monotonic()
    try:
        call_command(job.command, *job.args)
    except Exception:
        logger.exception("Tâche « %s » en échec après %.1f s", job.name, time.monotonic() - started)
        succeeded = False
    else:
        logger.info("Tâche « %s » terminée en %.1f s", job.name, time.monotonic() - started)
        succeeded = True
    try:
        JobRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), succeeded=succeeded)
    except DatabaseError:
        logger.warning("Résultat de la tâche « %s » non enregistré : base de données injoignable.", job.name)
    return succeeded


def run_due_jobs(jobs: list[Job], now: datetime | None = None) -> dict[str, bool | None]:
    """Run, one after the other, the jobs due in the minute of `now`; return each one's outcome (see run_job)."""
    now = now or timezone.now()
    return {job.name: run_job(job, slot_of(now)) for job in jobs if job.is_due(now)}


def beat(now: datetime | None = None) -> None:
    """Say this scheduler is alive, and forget runs and heartbeats nobody needs any more."""
    now = now or timezone.now()
    SchedulerHeartbeat.objects.update_or_create(instance=INSTANCE, defaults={"beat_at": now})
    JobRun.objects.filter(slot__lt=now - KEEP_RUNS).delete()
    SchedulerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()


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
        next_beat = 0.0
        while not self.stop_event.is_set():
            if time.monotonic() >= next_beat:
                self._beat()
                next_beat = time.monotonic() + HEARTBEAT_SECONDS
            now = timezone.now()
            for job in self.jobs:
                if next_runs[job.name] <= now:
                    self._start(job, slot_of(next_runs[job.name]))
                    next_runs[job.name] = job.next_run(now)
            wait = (min(next_runs.values()) - timezone.now()).total_seconds()
            self.stop_event.wait(timeout=min(max(wait, 0.1), max(next_beat - time.monotonic(), 0.1)))
        running = [thread for thread in self._running.values() if thread.is_alive()]
        if running:
            logger.info("Arrêt demandé : attente de %s tâche(s) en cours.", len(running))
        for thread in running:
            thread.join()
        logger.info("Planificateur arrêté.")

    @staticmethod
    def _beat() -> None:
        # A connection broken by a database restart is dropped here and reopened by the next query.
        close_old_connections()
        try:
            beat()
        except DatabaseError as error:
            logger.warning("Signe de vie non enregistré : base de données injoignable (%s).", type(error).__name__)

    def _start(self, job: Job, slot: datetime) -> None:
        previous = self._running.get(job.name)
        if previous is not None and previous.is_alive():
            logger.warning("Tâche « %s » encore en cours : ce passage est sauté.", job.name)
            return
        thread = threading.Thread(target=self._run_in_thread, args=(job, slot), name=f"job-{job.name}")
        self._running[job.name] = thread
        thread.start()

    @staticmethod
    def _run_in_thread(job: Job, slot: datetime) -> None:
        try:
            run_job(job, slot)
        finally:
            # Connections belong to the thread that opened them: without this each run would leave one open.
            connections.close_all()
