"""The "Analyse" of an advisor: find the company, describe its needs with the manager's consent, send them to the
teams routing proposes (the advisor may uncheck some)."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from relais.companies.models import Establishment
from relais.companies.registry import RegistryUnavailable, get_registry

from ..forms.analysis import AnalysisForm, CompanySearchForm
from ..models import Match
from ..permissions import analyst_required
from ..services.analysis import send_analysis
from .routed_needs import NeedState, RoutedNeedsEditor


@analyst_required
def new_analysis(request):
    siret = "".join(request.GET.get("siret", "").split())
    if not siret:
        return _search(request)
    establishment, warning = _establishment(siret)
    if establishment is None:
        messages.error(request, warning or f"Aucun établissement ne correspond au SIRET {siret}.")
        return redirect("conseillers_entreprises:analysis_new")
    form = AnalysisForm(initial={"submission_token": uuid.uuid4()})
    editor = RoutedNeedsEditor(
        establishment=establishment,
        support=False,
        data=request.POST if request.method == "POST" else None,
        initial=[NeedState(subject=None, description="")],
    )
    if request.method == "POST":
        form = AnalysisForm(request.POST)
        if editor.action == "send":
            if form.is_valid() and editor.is_ready():
                response = _send(request, form, establishment, editor)
                if response is not None:
                    return response
            elif form.is_valid() and editor.subject_changed():
                messages.warning(request, "Le sujet a changé : vérifiez les experts proposés, puis transmettez.")
                editor.formset = None
        else:
            # Only the needs change on a round trip: the analysis fields come back as typed, without errors yet.
            form = AnalysisForm(initial={name: request.POST.get(name, "") for name in AnalysisForm.base_fields})
            editor.apply()
    return render(
        request,
        "conseillers_entreprises/analysis/new.html",
        {
            "establishment": establishment,
            "company": establishment.company,
            "warning": warning,
            "form": form,
            **editor.context(),
        },
    )


def _search(request):
    form = CompanySearchForm(request.GET if "q" in request.GET else None)
    results, error = [], ""
    if form.is_valid():
        try:
            results = get_registry().search(form.cleaned_data["q"])
        except RegistryUnavailable as unavailable:
            error = str(unavailable)
    return render(
        request,
        "conseillers_entreprises/analysis/search.html",
        {"form": form, "results": results, "error": error, "searched": form.is_valid()},
    )


def _establishment(siret: str) -> tuple[Establishment | None, str]:
    """The establishment from the local tables, which the registry fills when it answers; and its warning."""
    warning = ""
    try:
        get_registry().get_establishment(siret)
    except RegistryUnavailable as error:
        warning = str(error)
    establishment = (
        Establishment.objects.select_related("company", "commune__department", "commune__region")
        .filter(siret=siret)
        .first()
    )
    return establishment, warning


def _send(request, form, establishment, editor: RoutedNeedsEditor):
    """Send the analysis; the response, or None when the page must come back with the error."""
    data = form.cleaned_data
    try:
        diagnosis, created = send_analysis(
            establishment=establishment,
            actor=request.user,
            content=data["content"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            manager_consent=data["manager_consent"],
            # Only teams that routing proposed can be notified: the advisor unchecks, support adds.
            needs=editor.drafts(),
            submission_token=data["submission_token"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    if created:
        teams = Match.objects.filter(need__diagnosis=diagnosis).values("expert").distinct().count()
        messages.success(
            request,
            f"Analyse transmise : {teams} équipe(s) d’experts notifiée(s) par courriel. Vous serez informé(e) par "
            "courriel de la prise en charge et de la clôture de chaque besoin.",
        )
    else:
        messages.info(request, "Cette analyse a déjà été transmise : elle n’a pas été envoyée une seconde fois.")
    return redirect(reverse("conseillers_entreprises:analysis_new"))
