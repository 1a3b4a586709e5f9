"""django-tasks-db's worker, which outlives database outages.

The library's worker stops at the first database error: a PostgreSQL restart would stop every worker and, with it,
the sending of emails. This one logs the outage, waits (1 s, doubling up to 30 s) and resumes once the database
answers again. A task interrupted by the outage stays "running" in the queue; the outbox retries its email on its
own (send_due_emails, after EMAIL_CLAIM_TIMEOUT).
"""

import logging
import time

from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("django_tasks_db")

MAX_PAUSE_SECONDS = 30


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        pause = 1
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return
            except DatabaseError as error:
                if time.monotonic() - started > MAX_PAUSE_SECONDS:
                    pause = 1
                logger.warning(
                    "Base de données injoignable (%s) : le travailleur %s reprend dans %s s.",
                    type(error).__name__,
                    self.worker_id,
                    pause,
                )
            # A connection broken by the outage is dropped; the next query opens a new one.
            close_old_connections()
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)


class Command(db_worker.Command):
    def handle(self, *args, **options):
        # The library's command builds its Worker by this module-level name.
        db_worker.Worker = ResilientWorker
        return super().handle(*args, **options)
