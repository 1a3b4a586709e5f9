import logging
import threading
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.utils import timezone

from relais.core import scheduler
from relais.core.models import JobRun, SchedulerHeartbeat
from relais.core.scheduler import Job, ScheduleError, Scheduler, load_schedule
from tests.processes import start_manage
from tests.threads import run_at_once

PARIS = ZoneInfo("Europe/Paris")


def write_schedule(tmp_path, text):
    path = tmp_path / "schedule.toml"
    path.write_text(text, encoding="utf-8")
    return path


TWO_JOBS = """
[[jobs]]
name = "every_minute"
cron = "* * * * *"
command = "check"
args = []

[[jobs]]
name = "nightly"
cron = "30 3 * * *"
command = "check"
args = ["--deploy"]
"""


def test_the_project_schedule_is_valid():
    jobs = load_schedule()
    assert {job.name for job in jobs} >= {"send_due_emails", "prune_db_task_results", "apply_retention"}
    assert all("--wet-run" in job.args for job in jobs if job.command == "apply_retention"), (
        "the purge must really run when scheduled"
    )


def test_list_prints_jobs_and_next_runs_in_paris_time(tmp_path, capsys):
    path = write_schedule(tmp_path, TWO_JOBS)
    with time_machine.travel(datetime(2025, 7, 1, 12, 0, 30, tzinfo=PARIS), tick=False):
        call_command("run_scheduler", "--list", "--schedule", str(path))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[0] == "every_minute"
    assert "01/07/2025 12:01 CEST" in lines[0]
    assert "02/07/2025 03:30 CEST" in lines[1]
    assert lines[1].endswith("check --deploy")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[jobs]]\nname = "x"\ncron = "* * * * *"\ncommand = "no_such_command"',
            "commande inconnue 'no_such_command'",
        ),
        ('[[jobs]]\nname = "x"\ncron = "61 * * * *"\ncommand = "check"', "expression cron invalide"),
        ('[[jobs]]\nname = "x"\ncron = "* * * * * *"\ncommand = "check"', "expression cron invalide"),
        ('[[jobs]]\nname = "x"\ncron = "* * * * *"\ncommand = "check"\nargs = "--deploy"', "liste de textes"),
        ('[[jobs]]\nname = "x"\ncron = "* * * * *"\ncomand = "check"', "clé(s) inconnue(s) ['comand']"),
        ('[[jobs]]\nname = "x"\ncron = "* * * * *"', "clé(s) manquante(s) ['command']"),
        (TWO_JOBS.replace("nightly", "every_minute"), "déjà utilisé"),
        ("", "aucune tâche"),
        ("[[jobs]\n", "TOML valide"),
    ],
)
def test_an_invalid_schedule_is_refused_at_start(tmp_path, text, message):
    path = write_schedule(tmp_path, text)
    with pytest.raises(CommandError) as error:
        call_command("run_scheduler", "--list", "--schedule", str(path))
    assert message in str(error.value)


def test_missing_schedule_file(tmp_path):
    with pytest.raises(ScheduleError, match="introuvable"):
        load_schedule(tmp_path / "absent.toml")


@pytest.mark.django_db
def test_once_runs_only_the_jobs_due_this_minute(tmp_path):
    path = write_schedule(tmp_path, TWO_JOBS)
    with (
        mock.patch.object(scheduler, "call_command") as command,
        time_machine.travel(datetime(2025, 7, 1, 3, 30, 12, tzinfo=PARIS), tick=False),
    ):
        call_command("run_scheduler", "--once", "--schedule", str(path))
    assert command.call_args_list == [mock.call("check"), mock.call("check", "--deploy")]

    with (
        mock.patch.object(scheduler, "call_command") as command,
        time_machine.travel(datetime(2025, 7, 1, 3, 31, tzinfo=PARIS), tick=False),
    ):
        call_command("run_scheduler", "--once", "--schedule", str(path))
    assert command.call_args_list == [mock.call("check")]


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_does_not_stop_the_others(tmp_path, caplog):
    path = write_schedule(tmp_path, TWO_JOBS)

    def fail_first(name, *args):
        if not args:
            raise RuntimeError("panne")

    with (
        mock.patch.object(scheduler, "call_command", side_effect=fail_first) as command,
        time_machine.travel(datetime(2025, 7, 1, 3, 30, tzinfo=PARIS), tick=False),
        caplog.at_level(logging.INFO, logger="relais.core.scheduler"),
        pytest.raises(CommandError, match="every_minute"),
    ):
        call_command("run_scheduler", "--once", "--schedule", str(path))
    assert command.call_count == 2
    assert "Tâche « every_minute » en échec" in caplog.text
    assert "RuntimeError: panne" in caplog.text
    assert "Tâche « nightly » terminée" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_never_runs_a_job_twice_at_once_and_stops_cleanly():
    job = Job(name="slow", cron="* * * * *", command="check")
    release = threading.Event()
    calls = []

    def slow_command(name, *args):
        calls.append(name)
        release.wait(timeout=5)

    runner = Scheduler([job])
    with mock.patch.object(scheduler, "call_command", side_effect=slow_command):
        runner._start(job, datetime(2025, 7, 1, 3, 30, tzinfo=PARIS))
        runner._start(job, datetime(2025, 7, 1, 3, 31, tzinfo=PARIS))
        thread = threading.Thread(target=runner.run_forever)
        thread.start()
        runner.stop()
        release.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert not runner._running["slow"].is_alive()
    assert calls == ["check"]


@pytest.mark.django_db
def test_a_second_scheduler_skips_the_slot_the_first_one_ran(tmp_path, caplog):
    path = write_schedule(tmp_path, TWO_JOBS)
    with (
        mock.patch.object(scheduler, "call_command") as command,
        time_machine.travel(datetime(2025, 7, 1, 3, 30, 5, tzinfo=PARIS), tick=False),
        caplog.at_level(logging.INFO, logger="relais.core.scheduler"),
    ):
        call_command("run_scheduler", "--once", "--schedule", str(path))
        # The second instance (another machine's cron, or the new release of a rolling deploy), same minute.
        call_command("run_scheduler", "--once", "--schedule", str(path))
    assert command.call_count == 2
    assert "Tâche « nightly » du créneau 01/07/2025 03:30 déjà lancée" in caplog.text
    runs = JobRun.objects.order_by("job")
    assert [(run.job, run.succeeded) for run in runs] == [("every_minute", True), ("nightly", True)]
    assert all(run.finished_at for run in runs)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="la base SQLite en mémoire des tests refuse les fils")
def test_two_schedulers_racing_for_a_slot_run_the_job_once():
    job = Job(name="daily", cron="0 3 * * *", command="check")
    slot = datetime(2025, 7, 1, 3, 0, tzinfo=PARIS)

    def scheduler_instance():
        return scheduler.run_job(job, slot)

    with mock.patch.object(scheduler, "call_command"):
        outcomes = run_at_once(*[scheduler_instance] * 4)
    assert sorted(outcomes, key=str) == [None, None, None, True]
    assert JobRun.objects.filter(job="daily").count() == 1


@pytest.mark.django_db
def test_the_scheduler_says_it_is_alive_and_outlives_a_database_outage(caplog):
    scheduler.beat()
    assert SchedulerHeartbeat.objects.get(instance=scheduler.INSTANCE).beat_at
    with (
        # Would close the test's transaction; the real one drops only broken connections.
        mock.patch.object(scheduler, "close_old_connections"),
        mock.patch.object(scheduler, "beat", side_effect=OperationalError("connection refused")),
        caplog.at_level(logging.WARNING, logger="relais.core.scheduler"),
    ):
        Scheduler._beat()
    assert "Signe de vie non enregistré : base de données injoignable (OperationalError)" in caplog.text


@pytest.mark.django_db
def test_old_runs_are_forgotten():
    old = JobRun.objects.create(job="x", slot=timezone.now() - timedelta(days=31), host="h")
    recent = JobRun.objects.create(job="x", slot=timezone.now() - timedelta(days=1), host="h")
    scheduler.beat()
    assert list(JobRun.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not JobRun.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="processus séparés : base PostgreSQL de test requise")
def test_two_scheduler_processes_on_postgresql_run_a_job_once(tmp_path):
    """Two `run_scheduler --once` started together, as two machines' cron would: one runs, one skips."""
    path = write_schedule(tmp_path, '[[jobs]]\nname = "nightly"\ncron = "* * * * *"\ncommand = "check"\nargs = []\n')
    for _attempt in range(3):
        JobRun.objects.all().delete()
        processes = [start_manage("run_scheduler", "--once", "--schedule", str(path)) for _ in range(2)]
        outputs = [process.communicate(timeout=60)[0] for process in processes]
        assert all(process.returncode == 0 for process in processes), outputs
        if JobRun.objects.values("slot").distinct().count() == 1:
            break  # else the two started on both sides of a minute: try again
    assert JobRun.objects.count() == 1
    assert sum("Tâche « nightly » lancée" in output for output in outputs) == 1
    assert sum("déjà lancée par un autre planificateur" in output for output in outputs) == 1
