"""Prefectures and the national team: the structures to review, opinions, decisions, dashboards."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from relais.core.spreadsheets import csv_lines, safe_cell
from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from .. import services
from ..enums import STRUCTURE_TRANSITIONS, StructureStatus
from ..forms import DecisionForm, OpinionForm
from ..models import HostStructure
from ..permissions import agent_of, is_national, is_prefecture, structure_for_agent
from ..stats import dashboard

PAGE_SIZE = 30


def _agent(request):
    agent = agent_of(request.user)
    if agent is None:
        raise PermissionDenied
    return agent


def agent_structures(request):
    agent = _agent(request)
    status = request.GET.get("statut", "")
    structures = (
        HostStructure.objects.visible_to_agent(agent).select_related("commune", "department").order_by("-created_at")
    )
    if status in StructureStatus.values:
        structures = structures.filter(status=status)
    page = Paginator(structures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "conseiller_numerique/agent_structures.html",
        {"agent": agent, "page": page, "status": status, "statuses": StructureStatus.choices[1:]},
    )


def _detail_context(agent, structure, *, opinion_form=None, decision_form=None):
    allowed = sorted(STRUCTURE_TRANSITIONS[StructureStatus(structure.status)], key=lambda s: s.label)
    return {
        "agent": agent,
        "structure": structure,
        "opinion": getattr(structure, "prefect_opinion", None),
        "decisions": structure.decisions.select_related("author"),
        "opinion_form": opinion_form or (OpinionForm() if is_prefecture(agent) else None),
        "decision_form": decision_form or (DecisionForm(allowed=allowed) if is_national(agent) and allowed else None),
    }


def agent_structure(request, structure_id):
    agent = _agent(request)
    structure = structure_for_agent(agent, structure_id)
    return render(request, "conseiller_numerique/agent_structure.html", _detail_context(agent, structure))


@require_POST
def agent_opinion(request, structure_id):
    agent = _agent(request)
    if not is_prefecture(agent):
        raise PermissionDenied
    structure = structure_for_agent(agent, structure_id)
    form = OpinionForm(request.POST)
    if form.is_valid():
        try:
            services.give_opinion(actor=request.user, agent=agent, structure=structure, **form.cleaned_data)
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Votre avis est enregistré.")
            return redirect("conseiller_numerique:agent_structure", structure.public_id)
    return render(
        request, "conseiller_numerique/agent_structure.html", _detail_context(agent, structure, opinion_form=form)
    )


@require_POST
def agent_decision(request, structure_id):
    agent = _agent(request)
    if not is_national(agent):
        raise PermissionDenied
    structure = structure_for_agent(agent, structure_id)
    form = DecisionForm(request.POST, allowed=STRUCTURE_TRANSITIONS[StructureStatus(structure.status)])
    if form.is_valid():
        try:
            services.decide(
                actor=request.user,
                structure=structure,
                status=StructureStatus(form.cleaned_data["status"]),
                posts_granted=form.cleaned_data["posts_granted"],
                comment=form.cleaned_data["comment"],
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La décision est enregistrée et la structure prévenue.")
            return redirect("conseiller_numerique:agent_structure", structure.public_id)
    return render(
        request, "conseiller_numerique/agent_structure.html", _detail_context(agent, structure, decision_form=form)
    )


def agent_dashboard(request):
    agent = _agent(request)
    tables = dashboard(agent)
    charts = [
        {"table": table, "max": max([row[1] for row in table.rows] or [0]) or 1} for table in tables if table.chart
    ]
    return render(request, "conseiller_numerique/dashboard.html", {"agent": agent, "tables": tables, "charts": charts})


def agent_dashboard_export(request, extension: str):
    agent = _agent(request)
    if extension not in ("csv", "xlsx"):
        raise Http404
    tables = dashboard(agent)
    record(action=AuditAction.DATA_EXPORTED, request=request, details={"export": f"tableau de bord CNFS ({extension})"})
    filename = f"conseiller-numerique-{datetime.date.today():%Y-%m-%d}.{extension}"
    if extension == "csv":
        rows = []
        for table in tables:
            rows.append([table.title])
            rows.append(list(table.headers))
            rows.extend(list(row) for row in table.rows)
            rows.append([])
        response = StreamingHttpResponse(
            csv_lines(["Tableau de bord Conseiller numérique"], rows), content_type="text/csv; charset=utf-8"
        )
    else:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for table in tables:
            sheet = workbook.create_sheet(table.title[:31])
            sheet.append(list(table.headers))
            for row in table.rows:
                sheet.append([safe_cell(value) for value in row])
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        workbook.save(response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
