import logging
import threading
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from relais.core import scheduler
from relais.core.scheduler import Job, ScheduleError, Scheduler, load_schedule

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


def test_the_scheduler_never_runs_a_job_twice_at_once_and_stops_cleanly():
    job = Job(name="slow", cron="* * * * *", command="check")
    release = threading.Event()
    calls = []

    def slow_command(name, *args):
        calls.append(name)
        release.wait(timeout=5)

    runner = Scheduler([job])
    with mock.patch.object(scheduler, "call_command", side_effect=slow_command):
        runner._start(job)
        runner._start(job)
        thread = threading.Thread(target=runner.run_forever)
        thread.start()
        runner.stop()
        release.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert not runner._running["slow"].is_alive()
    assert calls == ["check"]
