"""The administration's queue (seed 002 art. 3): tabs, filters, search, the application with its checks, the
thread, decisions and sanctions. National reviewers see everything; a regional reviewer its region only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core.navigation import Tab
from relais.core.uploads import file_response
from relais.legal.services import current_terms

from .. import website_check
from ..enums import Status
from ..forms import DecisionForm, MemberSanctionForm, MessageForm, QueueFilterForm, SanctionForm
from ..models import Activator, ActivatorMember, ThreadMessage
from ..permissions import can_read_proofs
from ..services import review, sanctions
from ..services.registration import SIX_MONTHS
from ..text import normalize
from .common import error_text, reviewable, reviewer_required

TABS = (
    ("a-instruire", "À instruire", [Status.SUBMITTED]),
    ("en-attente", "En attente de réponse", [Status.AWAITING_ANSWER]),
    ("validees", "Validées", [Status.VALIDATED]),
    ("refusees", "Refusées", [Status.REFUSED]),
    ("suspendues", "Suspendues", [Status.SUSPENDED]),
)
PAGE_SIZE = 30


@reviewer_required
def queue(request):
    tab = request.GET.get("onglet", TABS[0][0])
    statuses = next((statuses for slug, _label, statuses in TABS if slug == tab), None)
    if statuses is None:
        raise Http404
    visible = Activator.objects.reviewable_by(request.user)
    counts = visible.aggregate(**{slug.replace("-", "_"): Count("pk", filter=Q(status__in=s)) for slug, _l, s in TABS})
    form = QueueFilterForm(request.GET or None)
    found = visible.filter(status__in=statuses)
    if form.is_valid():
        if text := form.cleaned_data["q"].strip():
            compact = text.replace(" ", "")
            found = found.filter(
                Q(search_text__contains=normalize(text)) | Q(siret__startswith=compact) | Q(name__icontains=text)
            )
        if form.cleaned_data["region"]:
            found = found.filter(region=form.cleaned_data["region"])
        if form.cleaned_data["type"]:
            found = found.filter(kind=form.cleaned_data["type"])
    found = found.select_related("region").order_by("submitted_at", "name")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    base = reverse("activateurs:review_queue")
    tabs = [
        Tab(label=label, url=f"{base}?onglet={slug}", active=slug == tab, count=counts[slug.replace("-", "_")])
        for slug, label, _s in TABS
    ]
    return render(request, "francenum/review/queue.html", {"tabs": tabs, "page": page, "form": form, "tab": tab})


def _checks(activator: Activator) -> list[dict]:
    """Art. 2, checked where a machine can (None: to be judged by the reviewer)."""
    company = activator.company_check or {}
    checks = []
    if activator.is_foreign:
        checks.append(
            {
                "label": "Structure sans SIRET",
                "ok": None,
                "detail": f"{activator.country} — n° {activator.foreign_identifier} ; pièce justificative jointe."
                if activator.foreign_proof
                else f"{activator.country} — aucune pièce jointe.",
            }
        )
    else:
        found = company.get("trouve")
        checks.append(
            {
                "label": "SIRET trouvé dans le répertoire des entreprises",
                "ok": found if not company.get("indisponible") else None,
                "detail": f"{company.get('nom', '')} — {company.get('adresse', '')} {company.get('code_postal', '')} "
                f"{company.get('ville', '')}".strip(" —")
                if found
                else ("Répertoire indisponible lors de la saisie." if company.get("indisponible") else "Introuvable."),
            }
        )
        if found:
            checks.append({"label": "Établissement actif", "ok": bool(company.get("actif")), "detail": ""})
    if activator.creation_date:
        old_enough = activator.creation_date <= timezone.localdate() - SIX_MONTHS
        checks.append(
            {
                "label": "Créée depuis plus de six mois",
                "ok": True if old_enough else (None if activator.experience_declared else False),
                "detail": f"Créée le {activator.creation_date:%d/%m/%Y}"
                + (
                    ""
                    if old_enough
                    else " ; expérience déclarée, justificatif à examiner"
                    if activator.experience_declared
                    else ""
                ),
            }
        )
    else:
        checks.append({"label": "Créée depuis plus de six mois", "ok": None, "detail": "Date de création inconnue."})
    checks.append(
        {
            "label": "Accord du responsable de la structure",
            "ok": bool(activator.head_name and activator.head_approved_on),
            "detail": f"{activator.head_name}, {activator.head_function}, le {activator.head_approved_on:%d/%m/%Y}"
            if activator.head_approved_on
            else "",
        }
    )
    checks.append(
        {
            "label": "Obligations sociales et fiscales à jour (déclaration)",
            "ok": activator.obligations_declared,
            "detail": "Attestation jointe." if activator.obligations_attestation else "Sans attestation.",
        }
    )
    legal = activator.legal_check
    checks.append(
        {
            "label": "Site internet : mentions légales et page données personnelles",
            "ok": {"ok": True, "partial": False, "missing": False}.get(legal),
            "detail": f"{activator.get_legal_check_display()}. {activator.legal_check_details.get('note', '')}".strip(),
        }
    )
    return checks


@reviewer_required
def detail(request, public_id):
    activator = reviewable(request, public_id)
    members = activator.members.select_related("user").order_by("role", "created_at")
    context = {
        "activator": activator,
        "checks": _checks(activator),
        "members": members,
        "offers": activator.offers.order_by("domain", "service_kind"),
        "thread": activator.messages.select_related("author"),
        "events": activator.events.all()[:50],
        "message_form": MessageForm(),
        "decision_form": DecisionForm(),
        "sanction_form": SanctionForm(),
        "member_form": MemberSanctionForm(),
        "contacts": activator.contacts.rates(),
        "charter": current_terms("francenum"),
        "in_review": activator.status in (Status.SUBMITTED, Status.AWAITING_ANSWER),
    }
    return render(request, "francenum/review/detail.html", context)


@require_POST
@reviewer_required
def post_message(request, public_id):
    activator = reviewable(request, public_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        review.post_message(
            activator=activator,
            author=request.user,
            body=form.cleaned_data["body"],
            from_administration=True,
            attachment=form.cleaned_data["attachment"],
            request=request,
        )
        messages.success(request, "Votre message est envoyé à la structure.")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("activateurs:review_detail", public_id=activator.public_id)


@require_POST
@reviewer_required
def decide(request, public_id):
    activator = reviewable(request, public_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("activateurs:review_detail", public_id=activator.public_id)
    decision, message = form.cleaned_data["decision"], form.cleaned_data["message"]
    try:
        if decision == "validate":
            review.validate(activator=activator, actor=request.user, message=message, request=request)
            messages.success(request, f"{activator.name} est validée : sa fiche est publiée.")
        elif decision == "refuse":
            review.refuse(activator=activator, actor=request.user, message=message, request=request)
            messages.success(request, f"La demande de {activator.name} est refusée.")
        else:
            review.request_information(activator=activator, actor=request.user, body=message, request=request)
            messages.success(request, "La demande d'informations est envoyée à la structure.")
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("activateurs:review_detail", public_id=activator.public_id)


@require_POST
@reviewer_required
def sanction(request, public_id):
    activator = reviewable(request, public_id)
    form = SanctionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("activateurs:review_detail", public_id=activator.public_id)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action == "suspend":
            sanctions.suspend_structure(activator=activator, actor=request.user, reason=reason, request=request)
            messages.success(request, f"{activator.name} est suspendue : sa fiche est masquée.")
        elif action == "lift":
            sanctions.lift_structure(activator=activator, actor=request.user, request=request)
            messages.success(request, f"La suspension de {activator.name} est levée.")
        else:
            count = sanctions.delete_structure(activator=activator, actor=request.user, reason=reason, request=request)
            messages.success(request, f"{activator.name} est supprimée ({count} compte(s) supprimé(s)).")
            return redirect("activateurs:review_queue")
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("activateurs:review_detail", public_id=activator.public_id)


@require_POST
@reviewer_required
def member_sanction(request, public_id, member_id):
    activator = reviewable(request, public_id)
    member = get_object_or_404(ActivatorMember.objects.select_related("user"), activator=activator, public_id=member_id)
    form = MemberSanctionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "suspend":
                sanctions.suspend_member(
                    member=member,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    suspend_relais_account=form.cleaned_data["suspend_account"],
                    request=request,
                )
                messages.success(request, f"{member.user} est suspendu.")
            else:
                sanctions.lift_member(member=member, actor=request.user, request=request)
                messages.success(request, f"La suspension de {member.user} est levée.")
        except ValidationError as error:
            messages.error(request, error_text(error))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("activateurs:review_detail", public_id=activator.public_id)


@require_POST
@reviewer_required
def recheck_website(request, public_id):
    activator = reviewable(request, public_id)
    found = website_check.check_website(activator.website)
    Activator.objects.filter(pk=activator.pk).update(legal_check=found.result, legal_check_details=found.as_dict())
    messages.info(request, f"Vérification du site : {found.result.label}.")
    return redirect("activateurs:review_detail", public_id=activator.public_id)


PROOF_FIELDS = {
    "justificatif-existence": ("foreign_proof", "justificatif-existence"),
    "justificatif-experience": ("experience_proof", "justificatif-experience"),
    "attestation": ("obligations_attestation", "attestation-regularite"),
}


def proof(request, public_id, name):
    """A proof of the structure: its reviewers and its own members only."""
    activator = get_object_or_404(Activator, public_id=public_id)
    if name not in PROOF_FIELDS or not can_read_proofs(request.user, activator):
        raise Http404
    field, filename = PROOF_FIELDS[name]
    file = getattr(activator, field)
    if not file:
        raise Http404
    return file_response(file, filename=f"{filename}.{file.name.rsplit('.', 1)[-1]}")


def attachment(request, public_id):
    message = get_object_or_404(ThreadMessage.objects.select_related("activator"), public_id=public_id)
    if not message.attachment or not can_read_proofs(request.user, message.activator):
        raise Http404
    return file_response(message.attachment, filename=f"piece-jointe.{message.attachment.name.rsplit('.', 1)[-1]}")
