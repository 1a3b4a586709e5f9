"""Incident reports: the form of the signed-in spaces, and the security team's queue."""

import datetime
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from relais.core.navigation import Tab

from ..enums import IncidentStatus
from ..forms import IncidentForm, IncidentUpdateForm
from ..models import IncidentReport
from ..permissions import is_security_team, requires
from ..services import incidents

REPORTED_SESSION_KEY = "privacy_incident_reported"
PAGE_SIZE = 50
TABS = {
    "ouverts": ("Ouverts", lambda reports: reports.open()),
    "cnil": ("Notification CNIL à faire", lambda reports: reports.awaiting_cnil_notification()),
    "clos": ("Clos", lambda reports: reports.filter(status=IncidentStatus.CLOSED)),
}


@require_http_methods(["GET", "POST"])
def report(request):
    form = IncidentForm(request.POST or None, initial={"submission_token": uuid.uuid4()})
    if form.is_valid():
        day = form.cleaned_data["occurred_on"]
        incident = incidents.report_incident(
            reporter=request.user,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))) if day else None,
            personal_data_breach=form.cleaned_data["personal_data_breach"],
            submission_token=form.cleaned_data["submission_token"],
            request=request,
        )
        request.session[REPORTED_SESSION_KEY] = incident.reference
        return redirect("incidents:reported")
    return render(request, "privacy/incidents/report.html", {"form": form})


def reported(request):
    return render(
        request, "privacy/incidents/reported.html", {"reference": request.session.get(REPORTED_SESSION_KEY, "")}
    )


@requires(is_security_team)
def queue(request):
    tab = request.GET.get("onglet", "ouverts")
    if tab not in TABS:
        raise Http404
    reports = IncidentReport.objects.all()
    tabs = [
        Tab(label=label, url=f"?onglet={slug}", active=slug == tab, count=select(reports).count())
        for slug, (label, select) in TABS.items()
    ]
    page = Paginator(TABS[tab][1](reports), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/incidents/queue.html", {"tabs": tabs, "page": page})


@requires(is_security_team)
@require_http_methods(["GET", "POST"])
def detail(request, public_id):
    incident = get_object_or_404(IncidentReport, public_id=public_id)
    form = IncidentUpdateForm(request.POST or None, incident=incident)
    if form.is_valid():
        try:
            incidents.update_incident(
                incident=incident,
                actor=request.user,
                status=form.cleaned_data["status"],
                personal_data_breach=form.cleaned_data["personal_data_breach"],
                cnil_notified=form.cleaned_data.get("cnil_notified", False),
                note=form.cleaned_data["note"],
                request=request,
            )
        except incidents.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Suivi enregistré.")
        return redirect("incidents:detail", public_id=public_id)
    return render(
        request,
        "privacy/incidents/detail.html",
        {"incident": incident, "events": incident.events.select_related("author"), "form": form},
    )
