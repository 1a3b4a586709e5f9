"""Support screens: the queue of received solicitations, the triage page of one of them, its cancellation."""

import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from relais.notifications.services import render_email
from relais.privacy.enums import AuditAction
from relais.privacy.services.audit import record

from ..enums import SolicitationStatus
from ..forms.triage import MAX_NEEDS, CancelForm, NeedFormSet, QueueFilterForm, active_experts
from ..models import Expert, Match, Need, Solicitation, Subject
from ..permissions import support_required
from ..services.classifier import suggest_subjects
from ..services.triage import (
    CANCELABLE_STATUSES,
    NeedDraft,
    cancel_solicitation,
    cancellation_email_context,
    compute_warnings,
    expert_warning,
    routing_for,
    transmit_solicitation,
)

PAGE_SIZE = 20
MAX_SEARCH_RESULTS = 10
NEEDS_PREFIX = "besoins"


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    status: str
    ordering: tuple[str, ...]


TABS = (
    # Oldest first: the requests waiting longest are answered first.
    Tab("a-traiter", "À traiter", SolicitationStatus.IN_PROGRESS, ("submitted_at", "pk")),
    Tab("traitees", "Traitées", SolicitationStatus.PROCESSED, ("-processed_at", "-pk")),
    Tab("abandonnees", "Abandonnées", SolicitationStatus.CANCELED, ("-canceled_at", "-pk")),
)


@support_required
def queue(request):
    tab = next((tab for tab in TABS if tab.slug == request.GET.get("onglet")), TABS[0])
    form = QueueFilterForm(request.GET)
    solicitations = Solicitation.objects.exclude(status=SolicitationStatus.DRAFT)
    if form.is_valid():
        solicitations = _filter(solicitations, form.cleaned_data)
    counts = solicitations.aggregate(**{tab.slug: Count("pk", filter=Q(status=tab.status)) for tab in TABS})
    listing = (
        solicitations.filter(status=tab.status)
        .select_related("subject", "establishment__company", "establishment__commune__region", "cancellation")
        .order_by(*tab.ordering)
    )
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read by DSFR's pagination template to show "1 2 … 9 10" instead of every page number.
    page.pages_list = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    warnings = compute_warnings(list(page.object_list))
    return render(
        request,
        "conseillers_entreprises/triage/queue.html",
        {
            "form": form,
            "tabs": [(item, counts[item.slug]) for item in TABS],
            "current_tab": tab,
            "page_obj": page,
            "cards": [(solicitation, warnings[solicitation.pk]) for solicitation in page.object_list],
        },
    )


def _filter(solicitations, filters):
    if filters["region"]:
        solicitations = solicitations.filter(establishment__commune__region=filters["region"])
    if filters["subject"]:
        solicitations = solicitations.filter(subject=filters["subject"])
    if filters["source"]:
        solicitations = solicitations.filter(source=filters["source"])
    # Every word must be found somewhere, so "dupont boulangerie" finds Mr Dupont's bakery.
    for word in filters["q"].split():
        solicitations = solicitations.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(siret__icontains=word)
            | Q(establishment__company__name__icontains=word)
            | Q(description__icontains=word)
        )
    return solicitations


@dataclass
class NeedState:
    """What support has set for one need so far, carried by the form from one round trip to the next."""

    subject: Subject | None
    description: str
    experts: list[Expert] = field(default_factory=list)
    added: list[Expert] = field(default_factory=list)
    routed_for: int | None = None
    expert_query: str = ""


@dataclass(frozen=True)
class Candidate:
    expert: Expert
    checked: bool
    reason: str
    warning: str


@support_required
def solicitation_detail(request, public_id):
    solicitation = get_object_or_404(
        Solicitation.objects.select_related(
            "subject__theme",
            "establishment__company",
            "establishment__commune__region",
            "establishment__commune__department",
            "cancellation",
        ),
        public_id=public_id,
    )
    record(action=AuditAction.CONTACT_DETAILS_VIEWED, request=request, target=solicitation)
    formset = None
    states: list[NeedState] = []
    if request.method == "POST":
        if solicitation.status != SolicitationStatus.IN_PROGRESS:
            messages.warning(request, "Cette demande n’est plus à traiter : rien n’a été modifié.")
            return redirect("conseillers_entreprises:triage_solicitation", public_id=solicitation.public_id)
        formset = NeedFormSet(request.POST, prefix=NEEDS_PREFIX)
        states = _states_from(formset) or [_initial_state(solicitation)]
        action = request.POST.get("action", "update")
        if action == "transmit" and formset.is_valid() and _routing_is_current(states):
            try:
                diagnosis = transmit_solicitation(
                    solicitation=solicitation,
                    needs=[NeedDraft(state.subject, state.description, state.experts) for state in states],
                    author=request.user,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                teams = Match.objects.filter(need__diagnosis=diagnosis).values("expert").distinct().count()
                messages.success(request, f"Demande transmise : {teams} équipe(s) d’experts notifiée(s) par courriel.")
                return redirect("conseillers_entreprises:triage_queue")
        elif action == "transmit" and formset.is_valid():
            messages.warning(request, "Le sujet a changé : vérifiez les experts proposés, puis transmettez.")
            formset = None
        else:
            formset = None
            _apply_action(request.POST, states)
    elif solicitation.status == SolicitationStatus.IN_PROGRESS:
        states = [_initial_state(solicitation)]
    panels = [_panel(state, solicitation) for state in states]
    if formset is None and states:
        formset = NeedFormSet(prefix=NEEDS_PREFIX, initial=[_initial_of(state) for state in states])
    return render(
        request,
        "conseillers_entreprises/triage/solicitation.html",
        {
            "solicitation": solicitation,
            "establishment": solicitation.establishment,
            "company": solicitation.establishment.company if solicitation.establishment else None,
            "answers": solicitation.answers.select_related("question").order_by("question__position", "pk"),
            "warnings": compute_warnings([solicitation])[solicitation.pk],
            "suggested_subjects": _suggested_subjects(solicitation),
            "formset": formset,
            "needs": list(zip(formset.forms, panels, strict=True)) if formset is not None else [],
            "can_add_need": len(states) < MAX_NEEDS,
            "can_cancel": solicitation.status in CANCELABLE_STATUSES,
            "diagnosis_needs": _transmitted_needs(solicitation),
            "events": solicitation.events.select_related("author"),
        },
    )


def _initial_state(solicitation: Solicitation) -> NeedState:
    return NeedState(subject=solicitation.subject, description=solicitation.description)


def _states_from(formset) -> list[NeedState]:
    """The needs as posted, valid or not, so that nothing support typed is lost when the page comes back."""
    formset.is_valid()
    states = []
    for form in formset.forms:
        data = form.cleaned_data
        states.append(
            NeedState(
                subject=data.get("subject"),
                description=data.get("description", form.data.get(form.add_prefix("description"), "")),
                experts=list(data.get("experts", [])),
                added=list(data.get("added", [])),
                routed_for=data.get("routed_for"),
                expert_query=data.get("expert_query", ""),
            )
        )
    return states


def _routing_is_current(states: list[NeedState]) -> bool:
    return all(state.subject is not None and state.routed_for == state.subject.pk for state in states)


def _apply_action(post, states: list[NeedState]) -> None:
    """Apply the button support pressed: add or remove a need, add an expert, take a suggested subject."""
    if post.get("action") == "add_need" and len(states) < MAX_NEEDS:
        states.append(NeedState(subject=None, description=""))
    elif post.get("remove_need", "").isdigit() and len(states) > 1:
        index = int(post["remove_need"])
        if index < len(states):
            del states[index]
    elif post.get("use_subject", "").isdigit():
        states[0].subject = Subject.objects.filter(pk=post["use_subject"], is_archived=False).first()
    elif ":" in post.get("add_expert", ""):
        index, _, expert_id = post["add_expert"].partition(":")
        expert = active_experts().filter(public_id=expert_id).first() if _is_uuid(expert_id) else None
        if expert and index.isdigit() and int(index) < len(states):
            state = states[int(index)]
            if expert not in state.added:
                state.added.append(expert)
            if expert not in state.experts:
                state.experts.append(expert)
            state.expert_query = ""


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _panel(state: NeedState, solicitation: Solicitation) -> dict:
    """The experts offered for one need: routed ones with why, added ones with their warning, the excluded ones."""
    establishment = solicitation.establishment
    routing = routing_for(subject=state.subject, establishment=establishment) if state.subject else None
    kept = _with_zones(list(routing.kept)) if routing else []
    if state.subject is not None and state.routed_for != state.subject.pk:
        # First display, or the subject changed: start again from what routing proposes for it.
        state.experts = kept + [expert for expert in state.added if expert not in kept]
        state.routed_for = state.subject.pk
    checked = {expert.pk for expert in state.experts}
    candidates = [
        Candidate(expert, expert.pk in checked, _kept_reason(expert, state.subject), "") for expert in kept
    ] + [
        Candidate(
            expert,
            expert.pk in checked,
            "Ajouté par l’équipe support.",
            expert_warning(expert=expert, subject=state.subject, establishment=establishment) if state.subject else "",
        )
        for expert in state.added
        if expert not in kept
    ]
    search_results = []
    if state.expert_query.strip():
        query = state.expert_query.strip()
        shown = [candidate.expert.pk for candidate in candidates]
        found = (
            active_experts()
            .filter(
                Q(name__icontains=query)
                | Q(antenne__name__icontains=query)
                | Q(antenne__institution__name__icontains=query)
            )
            .exclude(pk__in=shown)
            .order_by("name")[:MAX_SEARCH_RESULTS]
        )
        search_results = [
            (
                expert,
                expert_warning(expert=expert, subject=state.subject, establishment=establishment)
                if state.subject
                else "",
            )
            for expert in found
        ]
    return {
        "state": state,
        "routed": routing is not None,
        "candidates": candidates,
        "excluded": list(routing.excluded) if routing else [],
        "search_results": search_results,
        "query": state.expert_query.strip(),
    }


def _with_zones(experts: list[Expert]) -> list[Expert]:
    if not experts:
        return experts
    by_pk = {
        expert.pk: expert
        for expert in Expert.objects.filter(pk__in=[expert.pk for expert in experts])
        .select_related("antenne__institution")
        .prefetch_related("zones", "antenne__zones", "expert_subjects__institution_subject")
    }
    return [by_pk[expert.pk] for expert in experts]


def _kept_reason(expert: Expert, subject: Subject) -> str:
    zones = list(expert.zones.all()) or list(expert.antenne.zones.all())
    territory = ", ".join(str(zone) for zone in zones) or "aucune zone"
    reason = (
        f"{expert.antenne.institution} traite « {subject} » et l’équipe couvre le territoire de l’établissement "
        f"({territory})."
    )
    criteria = [
        item.intervention_criteria
        for item in expert.expert_subjects.all()
        if item.institution_subject.subject_id == subject.pk and item.intervention_criteria
    ]
    if criteria:
        reason += " Critères d’intervention : " + " ".join(criteria)
    return reason


def _initial_of(state: NeedState) -> dict:
    return {
        "subject": state.subject,
        "description": state.description,
        "experts": state.experts,
        "added": state.added,
        "routed_for": state.routed_for,
        "expert_query": state.expert_query,
    }


def _suggested_subjects(solicitation: Solicitation) -> list:
    if not (solicitation.status == SolicitationStatus.IN_PROGRESS and solicitation.subject):
        return []
    if not (solicitation.subject.is_other_need and solicitation.description):
        return []
    return suggest_subjects(solicitation.description, limit=3)


def _transmitted_needs(solicitation: Solicitation) -> list[Need]:
    return list(
        Need.objects.filter(diagnosis__solicitation=solicitation)
        .select_related("subject")
        .prefetch_related(
            Prefetch("matches", queryset=Match.objects.select_related("expert__antenne__institution").order_by("pk"))
        )
        .order_by("pk")
    )


@support_required
def cancel(request, public_id):
    solicitation = get_object_or_404(Solicitation.objects.select_related("subject"), public_id=public_id)
    detail_url = reverse("conseillers_entreprises:triage_solicitation", kwargs={"public_id": solicitation.public_id})
    if solicitation.status not in CANCELABLE_STATUSES:
        messages.warning(request, "Cette demande ne peut pas être abandonnée.")
        return redirect(detail_url)
    form = CancelForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        template = form.cleaned_data["template"]
        if request.POST.get("action") == "confirm":
            try:
                cancel_solicitation(solicitation=solicitation, template=template, author=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(detail_url)
            if template.email_body.strip() and solicitation.email:
                messages.success(request, f"Demande abandonnée ({template.title}) ; l’entreprise est prévenue.")
            else:
                messages.success(request, f"Demande abandonnée ({template.title}) ; aucun courriel n’est envoyé.")
            return redirect("conseillers_entreprises:triage_queue")
        preview = {"template": template}
        if template.email_body.strip() and solicitation.email:
            subject, text, _html = render_email(
                template="conseillers_entreprises/emails/triage_cancellation",
                context=cancellation_email_context(solicitation=solicitation, template=template),
            )
            preview.update(subject=subject, text=text)
    return render(
        request,
        "conseillers_entreprises/triage/cancel.html",
        {"solicitation": solicitation, "form": form, "preview": preview, "detail_url": detail_url},
    )
