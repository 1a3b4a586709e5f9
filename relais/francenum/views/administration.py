"""The administration's figures: statistics with filters and CSV, breaches of the 48-hour rule, survey campaigns."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from relais.core.spreadsheets import csv_lines
from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from ..forms import StatisticsFilterForm, SurveyCampaignForm
from ..models import Activator, SurveyCampaign
from ..permissions import is_national_reviewer
from ..services import survey
from ..services.statistics import breaches_by_structure, last_twelve_months, monthly_figures
from .common import error_text, reviewer_required


def _filtered(request):
    form = StatisticsFilterForm(request.GET or None)
    activators = Activator.objects.reviewable_by(request.user)
    start, end = last_twelve_months()
    if form.is_valid():
        if form.cleaned_data["region"]:
            activators = activators.filter(region=form.cleaned_data["region"])
        if form.cleaned_data["type"]:
            activators = activators.filter(kind=form.cleaned_data["type"])
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    if end < start or (end - start).days > 366 * 5:
        start, end = last_twelve_months()
    return form, activators, start, end


@reviewer_required
def statistics(request):
    form, activators, start, end = _filtered(request)
    rows = monthly_figures(activators=activators.values("pk"), start=start, end=end)
    totals = {
        "views": sum(row.views for row in rows),
        "received": sum(row.received for row in rows),
        "on_time": sum(row.on_time for row in rows),
        "published": activators.filter(status="validated").count(),
    }
    peak = max([row.views for row in rows] + [1])
    return render(
        request,
        "francenum/review/statistics.html",
        {"form": form, "rows": rows, "totals": totals, "peak": peak, "start": start, "end": end},
    )


@reviewer_required
def statistics_csv(request):
    _form, activators, start, end = _filtered(request)
    rows = monthly_figures(activators=activators.values("pk"), start=start, end=end)
    record(action=AuditAction.DATA_EXPORTED, request=request, target_label="Statistiques France Num")
    lines = csv_lines(
        ["Mois", "Consultations des fiches", "Contacts reçus", "Contacts accusés", "Accusés sous 48 h ouvrées"],
        ([row.month.strftime("%Y-%m"), row.views, row.received, row.acknowledged, row.on_time] for row in rows),
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistiques-france-num-{date.today():%Y%m%d}.csv"'
    return response


@reviewer_required
def breaches(request):
    structures = breaches_by_structure(Activator.objects.reviewable_by(request.user))[:200]
    return render(request, "francenum/review/breaches.html", {"structures": structures})


@reviewer_required
@require_http_methods(["GET", "POST"])
def surveys(request):
    if not is_national_reviewer(request.user) and request.method == "POST":
        raise Http404
    form = SurveyCampaignForm(request.POST or None)
    if form.is_valid():
        try:
            campaign = survey.open_campaign(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("closes_on", error_text(error))
        else:
            messages.success(request, f"La campagne est ouverte : {campaign.invited_count} adhérents sollicités.")
            return redirect("activateurs:survey_results", public_id=campaign.public_id)
    campaigns = SurveyCampaign.objects.annotate(answers=Count("responses"))
    return render(
        request,
        "francenum/review/surveys.html",
        {"form": form, "campaigns": campaigns, "can_open": is_national_reviewer(request.user)},
    )


def _results(campaign):
    responses = campaign.responses.all()
    summary = responses.aggregate(
        count=Count("pk"),
        satisfaction=Avg("satisfaction"),
        companies=Avg("companies_helped"),
        useful=Count("pk", filter=Q(contacts_useful=True)),
    )
    summary["rate"] = round(100 * summary["count"] / campaign.invited_count) if campaign.invited_count else None
    return responses, summary


@reviewer_required
def survey_results(request, public_id):
    campaign = get_object_or_404(SurveyCampaign, public_id=public_id)
    responses, summary = _results(campaign)
    by_score = dict(responses.values_list("satisfaction").annotate(n=Count("pk")))
    scores = [(score, by_score.get(score, 0)) for score in range(1, 6)]
    return render(
        request, "francenum/review/survey_results.html", {"campaign": campaign, "summary": summary, "scores": scores}
    )


@reviewer_required
def survey_csv(request, public_id):
    campaign = get_object_or_404(SurveyCampaign, public_id=public_id)
    responses, _summary = _results(campaign)
    record(action=AuditAction.DATA_EXPORTED, request=request, target=campaign)
    lines = csv_lines(
        [
            "Date",
            "Type de structure",
            "Région",
            "Satisfaction (1 à 5)",
            "Entreprises accompagnées",
            "Contacts utiles",
            "Commentaire",
        ],
        (
            [
                r.answered_at,
                r.get_activator_kind_display(),
                r.region_name,
                r.satisfaction,
                r.companies_helped,
                "oui" if r.contacts_useful else "non",
                r.comment,
            ]
            for r in responses.order_by("answered_at")
        ),
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questionnaire-{campaign.opens_on:%Y}.csv"'
    return response
