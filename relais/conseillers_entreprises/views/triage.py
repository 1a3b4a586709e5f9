"""Support screens: the queue of received solicitations, the triage page of one of them, its cancellation."""

from dataclasses import dataclass

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
from ..forms.triage import CancelForm, QueueFilterForm
from ..models import Match, Need, Solicitation
from ..permissions import support_required
from ..services.classifier import suggest_subjects
from ..services.triage import (
    CANCELABLE_STATUSES,
    cancel_solicitation,
    cancellation_email_context,
    compute_warnings,
    transmit_solicitation,
)
from .navigation import tabs
from .routed_needs import NeedState, RoutedNeedsEditor

PAGE_SIZE = 20


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
    warnings = compute_warnings(list(page.object_list))
    return render(
        request,
        "conseillers_entreprises/triage/queue.html",
        {
            "form": form,
            "tabs": tabs(request, [(item.slug, item.label, counts[item.slug]) for item in TABS], current=tab.slug),
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
    editor = None
    if request.method == "POST":
        if solicitation.status != SolicitationStatus.IN_PROGRESS:
            messages.warning(request, "Cette demande n’est plus à traiter : rien n’a été modifié.")
            return redirect("conseillers_entreprises:triage_solicitation", public_id=solicitation.public_id)
        editor = _editor(solicitation, data=request.POST)
        if editor.action == "transmit" and editor.is_ready():
            try:
                diagnosis = transmit_solicitation(solicitation=solicitation, needs=editor.drafts(), actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                teams = Match.objects.filter(need__diagnosis=diagnosis).values("expert").distinct().count()
                messages.success(request, f"Demande transmise : {teams} équipe(s) d’experts notifiée(s) par courriel.")
                return redirect("conseillers_entreprises:triage_queue")
        elif editor.action == "transmit" and editor.subject_changed():
            messages.warning(request, "Le sujet a changé : vérifiez les experts proposés, puis transmettez.")
            editor.formset = None
        elif editor.action != "transmit":
            editor.apply()
    elif solicitation.status == SolicitationStatus.IN_PROGRESS:
        editor = _editor(solicitation)
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
            "can_cancel": solicitation.status in CANCELABLE_STATUSES,
            "diagnosis_needs": _transmitted_needs(solicitation),
            "events": solicitation.events.select_related("author"),
            **(editor.context() if editor else {"formset": None, "needs": []}),
        },
    )


def _editor(solicitation: Solicitation, *, data=None) -> RoutedNeedsEditor:
    return RoutedNeedsEditor(
        establishment=solicitation.establishment,
        support=True,
        data=data,
        initial=[NeedState(subject=solicitation.subject, description=solicitation.description)],
        answers=solicitation.answers_by_question(),
    )


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
                cancel_solicitation(solicitation=solicitation, template=template, actor=request.user)
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
