"""The audit log for administrators: search (who, what, when, which object) and CSV export of the same selection."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from relais.core.spreadsheets import csv_lines

from ..enums import AuditAction
from ..forms import AuditSearchForm
from ..models import AuditEntry
from ..permissions import may_read_audit_log, requires
from ..services.audit import record

PAGE_SIZE = 50
CSV_HEADERS = ("Date", "Action", "Auteur", "Adresse IP", "Type d’objet", "Identifiant", "Objet", "Détails")


def _selection(form: AuditSearchForm):
    entries = AuditEntry.objects.all()
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    entries = entries.search(data["q"].strip()).between(data["start"], data["end"])
    if data["action"]:
        entries = entries.filter(action=data["action"])
    return entries


@requires(may_read_audit_log)
def search(request):
    form = AuditSearchForm(request.GET)
    page = Paginator(_selection(form), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/audit_log.html", {"form": form, "page": page, "query": request.GET.urlencode()})


@requires(may_read_audit_log)
def export_csv(request):
    form = AuditSearchForm(request.GET)
    entries = _selection(form)
    record(
        action=AuditAction.DATA_EXPORTED, request=request, target_label="Journal d’audit", details=request.GET.dict()
    )
    rows = (
        (
            timezone.localtime(entry.created_at),
            entry.get_action_display(),
            entry.actor_label,
            entry.ip or "",
            entry.object_type,
            entry.object_id,
            entry.object_label,
            entry.details_display,
        )
        for entry in entries.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(csv_lines(CSV_HEADERS, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="journal-audit-{timezone.localdate()}.csv"'
    return response
