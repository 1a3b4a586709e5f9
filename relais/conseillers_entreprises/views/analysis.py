"""The "Analyse" of an advisor: find the company, describe its needs with the manager's consent, send them to the
teams routing proposes (the advisor may uncheck some)."""

import uuid
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from relais.companies.models import Establishment
from relais.companies.registry import RegistryUnavailable, get_registry

from ..forms.analysis import MAX_NEEDS, AnalysisForm, AnalysisNeedFormSet, CompanySearchForm
from ..models import Expert, Match, Subject
from ..services.analysis import may_analyse, send_analysis
from ..services.triage import NeedDraft, routing_for

NEEDS_PREFIX = "besoins"


def analyst_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_analyse(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@dataclass
class NeedState:
    subject: Subject | None
    description: str
    checked: set = field(default_factory=set)
    routed_for: int | None = None


@analyst_required
def new_analysis(request):
    siret = "".join(request.GET.get("siret", "").split())
    if not siret:
        return _search(request)
    establishment, warning = _establishment(siret)
    if establishment is None:
        messages.error(request, warning or f"Aucun établissement ne correspond au SIRET {siret}.")
        return redirect("conseillers_entreprises:analysis_new")
    states = [NeedState(subject=None, description="")]
    form = AnalysisForm(initial={"submission_token": uuid.uuid4()})
    formset = None
    if request.method == "POST":
        form = AnalysisForm(request.POST)
        formset = AnalysisNeedFormSet(request.POST, prefix=NEEDS_PREFIX)
        states = _states_from(formset)
        action = request.POST.get("action", "update")
        if action == "send":
            panels = [_panel(state, establishment) for state in states]
            if form.is_valid() and formset.is_valid() and _routing_is_current(states):
                response = _send(request, form, establishment, states, panels)
                if response is not None:
                    return response
            elif form.is_valid() and formset.is_valid():
                messages.warning(request, "Le sujet a changé : vérifiez les experts proposés, puis transmettez.")
                formset = None
        else:
            # Only the needs change on a round trip: the analysis fields come back as typed, without errors yet.
            form = AnalysisForm(initial={name: request.POST.get(name, "") for name in AnalysisForm.base_fields})
            formset = None
            _apply_action(request.POST, states)
    panels = [_panel(state, establishment) for state in states]
    if formset is None:
        formset = AnalysisNeedFormSet(
            prefix=NEEDS_PREFIX,
            initial=[
                {"subject": state.subject, "description": state.description, "routed_for": state.routed_for}
                for state in states
            ],
        )
    return render(
        request,
        "conseillers_entreprises/analysis/new.html",
        {
            "establishment": establishment,
            "company": establishment.company,
            "warning": warning,
            "form": form,
            "formset": formset,
            "needs": list(zip(formset.forms, panels, strict=True)),
            "can_add_need": len(states) < MAX_NEEDS,
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


def _states_from(formset) -> list[NeedState]:
    """The needs as posted, valid or not, so that nothing the advisor typed is lost when the page comes back."""
    formset.is_valid()
    return [
        NeedState(
            subject=form.cleaned_data.get("subject"),
            description=form.cleaned_data.get("description", form.data.get(form.add_prefix("description"), "")),
            checked={expert.pk for expert in form.cleaned_data.get("experts", [])},
            routed_for=form.cleaned_data.get("routed_for"),
        )
        for form in formset.forms
    ]


def _routing_is_current(states: list[NeedState]) -> bool:
    return all(state.subject is not None and state.routed_for == state.subject.pk for state in states)


def _apply_action(post, states: list[NeedState]) -> None:
    if post.get("action") == "add_need" and len(states) < MAX_NEEDS:
        states.append(NeedState(subject=None, description=""))
    elif post.get("remove_need", "").isdigit() and len(states) > 1:
        index = int(post["remove_need"])
        if index < len(states):
            del states[index]


def _panel(state: NeedState, establishment) -> dict:
    """The teams routing proposes for one need, checked unless the advisor unchecked them."""
    routing = routing_for(subject=state.subject, establishment=establishment) if state.subject else None
    kept = list(routing.kept) if routing else []
    if state.subject is not None and state.routed_for != state.subject.pk:
        # First display, or the subject changed: every team of the new routing starts checked.
        state.checked = {expert.pk for expert in kept}
        state.routed_for = state.subject.pk
    return {
        "state": state,
        "candidates": [(expert, expert.pk in state.checked) for expert in _with_institutions(kept)],
        "excluded": list(routing.excluded) if routing else [],
    }


def _with_institutions(experts: list[Expert]) -> list[Expert]:
    by_pk = Expert.objects.select_related("antenne__institution").in_bulk([expert.pk for expert in experts])
    return [by_pk[expert.pk] for expert in experts]


def _send(request, form, establishment, states, panels):
    """Send the analysis; the response, or None when the page must come back with the error."""
    data = form.cleaned_data
    drafts = [
        # Only teams that routing proposed can be notified: the advisor unchecks, support adds.
        NeedDraft(state.subject, state.description, [expert for expert, checked in panel["candidates"] if checked])
        for state, panel in zip(states, panels, strict=True)
    ]
    try:
        diagnosis, created = send_analysis(
            establishment=establishment,
            advisor=request.user,
            content=data["content"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"].strip(),
            manager_consent=data["manager_consent"],
            needs=drafts,
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
