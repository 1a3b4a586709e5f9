"""Exports of the dashboard: streamed while the person waits up to EXPORT_ASYNC_THRESHOLD rows, built by a background
task beyond, with a progress bar and a download link valid 24 hours, also sent by email.

The task writes the rows one by one into a temporary file (memory stays flat, as for the streamed exports), then
stores it privately; `purge_expired_exports` deletes the files once their day is over.
"""

import tempfile
from dataclasses import dataclass
from datetime import timedelta

from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from relais.accounts.models import User
from relais.core.uploads import delete_after_commit, random_name
from relais.notifications.services import queue_email

from ..enums import ExportStatus
from ..forms.stats import StatsFilterForm
from ..models import ExportJob
from ..permissions import team_antenne_ids
from .exports import Export, csv_lines, matches_export, needs_export, write_xlsx

EXPORT_ASYNC_THRESHOLD = 10_000
EXPORT_LIFETIME = timedelta(hours=24)
EXPORTS = {"besoins": needs_export, "mises-en-relation": matches_export}


@dataclass(frozen=True)
class ExportRequest:
    """What the person asked for: the export, its format and the dashboard's filters (already checked)."""

    name: str
    extension: str
    query: str


def export_of(*, actor: User, name: str, query: str) -> Export | None:
    """The export the filters describe, within what the person may see; None when the filters are invalid."""
    form = StatsFilterForm(QueryDict(query), antenne_ids=team_antenne_ids(actor))
    return EXPORTS[name](form.scope()) if form.is_valid() else None


def start_export(*, actor: User, request: ExportRequest, rows_total: int) -> ExportJob:
    """Record the export and queue its task once the row is committed."""
    now = timezone.now()
    job = ExportJob.objects.create(
        requested_by=actor,
        name=request.name,
        extension=request.extension,
        query=request.query,
        rows_total=rows_total,
        expires_at=now + EXPORT_LIFETIME,
    )
    transaction.on_commit(lambda: build_export.enqueue(job.pk))
    return job


def run_export(*, job_id: int) -> ExportJob:
    """Write the file of a pending export, reporting the progress; email the requester the link when it is ready."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(status=ExportStatus.RUNNING)
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    export = export_of(actor=job.requested_by, name=job.name, query=job.query)
    if export is None:
        return _fail(job, "Les filtres de l’export ne sont plus valides.")

    def progress(count: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=count)

    if job.extension == "csv":
        output = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 - closed below, once stored
        for line in csv_lines(export, progress):
            output.write(line.encode("utf-8"))
        output.seek(0)
    else:
        output = write_xlsx(export, progress)
    with output:
        job.file.save(random_name(job.extension), File(output), save=False)
    job.status = ExportStatus.DONE
    job.rows_done = job.rows_total
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["file", "status", "rows_done", "finished_at"])
        queue_email(
            to=[job.requested_by.email],
            template="conseillers_entreprises/emails/export_ready",
            context={"job": job, "job_path": reverse("conseillers_entreprises:export_job", args=[job.public_id])},
        )
    return job


@task()
def build_export(job_id: int) -> str:
    """The background task (django-tasks) of an export."""
    return run_export(job_id=job_id).status


def _fail(job: ExportJob, error: str) -> ExportJob:
    job.status, job.error, job.finished_at = ExportStatus.FAILED, error, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    return job


def purge_expired_exports(*, dry_run: bool = True) -> list[ExportJob]:
    """The exports whose day is over; with `dry_run` False, their files and rows are deleted."""
    expired = list(ExportJob.objects.filter(expires_at__lte=timezone.now()).order_by("pk"))
    if not dry_run:
        with transaction.atomic():
            for job in expired:
                delete_after_commit(job.file)
            ExportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return expired
