"""Several workers, as on several machines: each task and each email is handled once."""

import asyncio
import logging
import socket
from email import message_from_bytes
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.db import OperationalError, connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker as library_worker
from django_tasks_db.models import DBTaskResult

from relais.core.management.commands.db_worker import ResilientWorker
from relais.notifications.enums import EmailStatus
from relais.notifications.models import Email
from relais.notifications.services import message_id, queue_email
from tests.processes import start_manage


class SlowSink:
    """An SMTP server that takes its time over each message, so that the workers overlap."""

    def __init__(self):
        self.message_ids = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="processus séparés : base PostgreSQL de test requise")
def test_three_workers_share_the_queue_without_doing_anything_twice(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    emails = [
        queue_email(
            to=[f"dirigeant{number}@exemple.fr"],
            template="accounts/emails/password_reset",
            context={"user_name": "Anne", "reset_path": "/compte/reinitialiser/abc/"},
        )
        for number in range(60)
    ]
    assert DBTaskResult.objects.ready().count() == 60

    sink = SlowSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        workers = [
            start_manage(
                "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", EMAIL_URL=f"smtp://127.0.0.1:{port}"
            )
            for _ in range(3)
        ]
        outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    finally:
        controller.stop()
    assert all(worker.returncode == 0 for worker in workers), outputs

    results = list(DBTaskResult.objects.all())
    assert {result.status for result in results} == {TaskResultStatus.SUCCESSFUL}
    # A task run twice would list two workers, and its second run would have found its email sent ("skipped").
    assert all(len(result.worker_ids) == 1 for result in results)
    assert {result.return_value for result in results} == {"sent"}
    assert len({result.worker_ids[0] for result in results}) >= 2, "les travailleurs n'ont pas travaillé ensemble"
    assert sorted(sink.message_ids) == sorted(message_id(email) for email in emails)
    assert set(Email.objects.values_list("status", flat=True)) == {EmailStatus.SENT}


def test_the_worker_outlives_a_database_outage(caplog):
    worker = ResilientWorker(
        queue_names=["*"],
        interval=1,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="travailleur-1",
        excluded_queue_names=[],
    )
    runs = iter([OperationalError("the database system is shutting down"), None])

    def run_once(self):
        outcome = next(runs)
        if outcome:
            raise outcome

    with (
        mock.patch.object(library_worker.Worker, "run", run_once),
        mock.patch("relais.core.management.commands.db_worker.time.sleep") as sleep,
        mock.patch("relais.core.management.commands.db_worker.close_old_connections"),
        caplog.at_level(logging.WARNING, logger="django_tasks_db"),
    ):
        worker.run()
    sleep.assert_called_once_with(1)
    assert (
        "Base de données injoignable (OperationalError) : le travailleur travailleur-1 reprend dans 1 s" in caplog.text
    )


def test_the_db_worker_command_is_the_resilient_one():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "relais.core"
