"""Public statistics, the team dashboard and its exports.

Charts are SVG drawn here on the server: the strict CSP forbids the inline scripts and styles a chart library
would need, and each chart comes with its data table for people who do not see it.
"""

import math
from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from ..enums import ExportStatus
from ..forms.stats import StatsFilterForm
from ..models import ExportJob
from ..permissions import team_antenne_ids
from ..services.export_jobs import EXPORT_ASYNC_THRESHOLD, ExportRequest, export_of, start_export
from ..services.exports import csv_lines, write_xlsx
from ..services.statistics import Figures, compute_figures, public_figures

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Geometry of the month charts, in SVG user units (the SVG scales to its container).
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 16, 48
# DSFR colours: blue-france-sun-113, grey-200 text, grey-925 grid lines.
BAR_COLOUR, TEXT_COLOUR, GRID_COLOUR = "#000091", "#3a3a3a", "#dddddd"


def _coordinate(value: float) -> str:
    # Formatted here: the template would localise a float with a decimal comma, which SVG does not read.
    return f"{value:.1f}"


@dataclass
class Bar:
    x: str
    y: str
    width: str
    height: str
    label: str
    sublabel: str
    value: str
    label_x: str


@dataclass
class Tick:
    y: str
    label: str


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at least `value`, so that axis ticks are round numbers."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _format(value: float, percent: bool) -> str:
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0") if percent else f"{int(value)}"
    return f"{text} %" if percent else text


def month_chart(*, chart_id: str, title: str, y_label: str, rows, values: list[float | None], percent=False) -> dict:
    """A vertical bar chart of one value per month; a month without data (no need) draws no bar."""
    top = 100 if percent else _nice_ceiling(max((value or 0 for value in values), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(values), 1)
    bars = []
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        height = plot_height * (value or 0) / top
        month, _, year = row.label.partition(" ")
        bars.append(
            Bar(
                x=_coordinate(LEFT + index * slot + slot * 0.15),
                y=_coordinate(TOP + plot_height - height),
                width=_coordinate(slot * 0.7),
                height=_coordinate(height),
                label=month,
                sublabel=year,
                value="—" if value is None else _format(value, percent),
                label_x=_coordinate(LEFT + index * slot + slot / 2),
            )
        )
    ticks = [
        Tick(y=_coordinate(TOP + plot_height * (1 - fraction)), label=_format(top * fraction, percent))
        for fraction in (0, 0.25, 0.5, 0.75, 1)
        if percent or float(top * fraction).is_integer()
    ]
    return {
        "id": chart_id,
        "title": title,
        "y_label": y_label,
        "bars": bars,
        "ticks": ticks,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "axis_label_y": HEIGHT - 4,
        "y_label_x": 14,
        "y_label_y": _coordinate(TOP + plot_height / 2),
        "bar_colour": BAR_COLOUR,
        "text_colour": TEXT_COLOUR,
        "grid_colour": GRID_COLOUR,
    }


def _context(figures: Figures) -> dict:
    months = figures.months
    return {
        "figures": figures,
        "charts": [
            month_chart(
                chart_id="sollicitations",
                title="Sollicitations déposées par mois",
                y_label="Sollicitations",
                rows=months,
                values=[row.solicitations for row in months],
            ),
            month_chart(
                chart_id="besoins",
                title="Besoins transmis par mois",
                y_label="Besoins",
                rows=months,
                values=[row.transmitted for row in months],
            ),
            month_chart(
                chart_id="prise-en-charge",
                title="Part des besoins pris en charge, par mois de transmission",
                y_label="Part (%)",
                rows=months,
                values=[row.taken_percent for row in months],
                percent=True,
            ),
            month_chart(
                chart_id="cinq-jours",
                title="Part des besoins pris en charge en 5 jours au plus, par mois de transmission",
                y_label="Part (%)",
                rows=months,
                values=[row.fast_percent for row in months],
                percent=True,
            ),
        ],
    }


@login_not_required
def public_stats(request):
    return render(request, "conseillers_entreprises/stats/public.html", _context(public_figures()))


def dashboard(request):
    form = StatsFilterForm(request.GET or None, antenne_ids=team_antenne_ids(request.user))
    context = {
        "form": form,
        "query": request.GET.urlencode(),
        "is_manager": form.antenne_ids is not None,
        "figures": None,
    }
    if not form.is_bound or form.is_valid():
        context |= _context(compute_figures(form.scope()))
    context["export_jobs"] = list(
        ExportJob.objects.filter(requested_by=request.user, expires_at__gt=timezone.now()).order_by("-created_at")[:5]
    )
    return render(request, "conseillers_entreprises/stats/dashboard.html", context)


def export(request, name: str, extension: str):
    """Stream the export while the person waits; past EXPORT_ASYNC_THRESHOLD rows, build it in the background."""
    query = request.GET.urlencode()
    export = export_of(actor=request.user, name=name, query=query)
    if export is None:
        return HttpResponseBadRequest("Les filtres de l’export sont invalides : corrigez-les sur le tableau de bord.")
    rows = export.queryset.count()
    record(action=AuditAction.DATA_EXPORTED, request=request, target_label=export.name, details=request.GET.dict())
    if rows > EXPORT_ASYNC_THRESHOLD:
        job = start_export(
            actor=request.user, request=ExportRequest(name=name, extension=extension, query=query), rows_total=rows
        )
        return redirect("conseillers_entreprises:export_job", public_id=job.public_id)
    filename = f"{export.name}-{timezone.localdate():%Y-%m-%d}.{extension}"
    if extension == "csv":
        response = StreamingHttpResponse(csv_lines(export), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(write_xlsx(export), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def _own_job(request, public_id) -> ExportJob:
    # An export belongs to the person who asked for it: anyone else gets a 404.
    return get_object_or_404(ExportJob, public_id=public_id, requested_by=request.user)


def export_job(request, public_id):
    job = _own_job(request, public_id)
    return render(
        request,
        "conseillers_entreprises/stats/export_job.html",
        {"job": job, "expired": job.expires_at <= timezone.now()},
    )


def export_job_status(request, public_id):
    job = _own_job(request, public_id)
    return JsonResponse({"status": job.status, "percent": job.percent, "rows_done": job.rows_done})


def export_job_download(request, public_id):
    job = _own_job(request, public_id)
    if job.status != ExportStatus.DONE or job.expires_at <= timezone.now() or not job.file:
        raise Http404("Cet export n’est pas ou plus disponible.")
    content_type = CSV_CONTENT_TYPE if job.extension == "csv" else XLSX_CONTENT_TYPE
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
