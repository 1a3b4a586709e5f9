"""The DPO's queue of rights requests: deadlines, identity verification, actions through the registry, answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from relais.core.navigation import Tab
from relais.core.uploads import file_response

from ..enums import AuditAction, DataRight, RequestStatus
from ..forms import ANSWER_TEMPLATES, AnswerForm, NoteForm, ObjectionForm, answer_from_template
from ..models import DataRightsRequest
from ..permissions import is_dpo, requires
from ..registry import registry
from ..services import rights_requests
from ..services.audit import record
from ..services.personal_data import erasure_plan

TABS = {
    "a-traiter": ("À traiter", lambda requests: requests.open()),
    "en-retard": ("En retard", lambda requests: requests.overdue()),
    "closes": ("Closes", lambda requests: requests.closed().order_by("-closed_at", "-pk")),
}
PAGE_SIZE = 50


@requires(is_dpo)
def queue(request):
    tab = request.GET.get("onglet", "a-traiter")
    if tab not in TABS:
        raise Http404
    search = request.GET.get("q", "").strip()
    requests = DataRightsRequest.objects.search(search)
    tabs = [
        Tab(label=label, url=f"?onglet={slug}", active=slug == tab, count=select(requests).count())
        for slug, (label, select) in TABS.items()
    ]
    page = Paginator(TABS[tab][1](requests), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/dpo/queue.html", {"tabs": tabs, "page": page, "search": search, "tab": tab})


def _get(public_id) -> DataRightsRequest:
    return get_object_or_404(DataRightsRequest, public_id=public_id)


@requires(is_dpo)
def detail(request, public_id, answer_form=None, note_form=None):
    rights_request = _get(public_id)
    subject = rights_requests.subject_of(rights_request)
    template = request.GET.get("modele")
    if answer_form is None:
        initial = {"outcome": RequestStatus.ANSWERED}
        if template in ANSWER_TEMPLATES:
            initial["answer"] = answer_from_template(template, rights_request=rights_request)
            initial["outcome"] = (
                RequestStatus.REJECTED if template == "identite-non-etablie" else RequestStatus.ANSWERED
            )
        answer_form = AnswerForm(initial=initial)
    record(action=AuditAction.DATA_RIGHTS_REQUEST, request=request, target=rights_request, details={"vue": "fiche"})
    return render(
        request,
        "privacy/dpo/detail.html",
        {
            "rights_request": rights_request,
            "events": rights_request.events.select_related("author"),
            "plan": erasure_plan(subject) if rights_request.is_open else [],
            "has_account": subject.user is not None,
            "objection_form": ObjectionForm(),
            "has_objections": bool(registry.objections),
            "note_form": note_form or NoteForm(),
            "answer_form": answer_form,
            "templates": [(slug, label) for slug, (label, _text) in ANSWER_TEMPLATES.items()],
            "is_export_right": rights_request.right in (DataRight.ACCESS, DataRight.PORTABILITY),
        },
    )


@requires(is_dpo)
def identity_proof(request, public_id):
    rights_request = _get(public_id)
    if not rights_request.identity_proof:
        raise Http404
    record(
        action=AuditAction.DATA_RIGHTS_REQUEST,
        request=request,
        target=rights_request,
        details={"vue": "justificatif d’identité"},
    )
    extension = rights_request.identity_proof.name.rsplit(".", 1)[-1]
    return file_response(
        rights_request.identity_proof, filename=f"justificatif-{rights_request.reference}.{extension}", inline=True
    )


def _action(view):
    """A POST of the DPO on one request: the service refuses what the state does not allow, in French."""

    @requires(is_dpo)
    @require_POST
    def wrapper(request, public_id):
        rights_request = _get(public_id)
        try:
            response = view(request, rights_request)
        except (rights_requests.TransitionError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            response = None
        return response or redirect("privacy:dpo_request", public_id=public_id)

    return wrapper


@_action
def verify(request, rights_request):
    rights_requests.verify_identity(rights_request=rights_request, actor=request.user, request=request)
    messages.success(request, "Identité vérifiée : vous pouvez traiter la demande.")


@_action
def prepare_export(request, rights_request):
    sections = rights_requests.record_export(rights_request=rights_request, actor=request.user, request=request)
    rows = sum(len(section.rows) for section in sections)
    messages.success(
        request,
        f"{len(sections)} catégorie(s) de données, {rows} ligne(s) : la réponse contiendra le lien vers cette copie.",
    )


@_action
def erase(request, rights_request):
    if not request.POST.get("confirmation"):
        raise ValidationError("Cochez la case de confirmation : l’effacement est définitif.")
    counts = rights_requests.erase_data(rights_request=rights_request, actor=request.user, request=request)
    messages.success(request, f"Données effacées : {sum(counts.values())} ligne(s) dans {len(counts)} catégorie(s).")


@_action
def apply_objection(request, rights_request):
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        raise ValidationError("Choisissez le traitement à arrêter.")
    rights_requests.apply_request_objection(
        rights_request=rights_request, actor=request.user, slug=form.cleaned_data["slug"], request=request
    )
    messages.success(request, "Opposition enregistrée.")


@_action
def note(request, rights_request):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return detail(request, rights_request.public_id, note_form=form)
    rights_requests.add_note(
        rights_request=rights_request, actor=request.user, message=form.cleaned_data["message"], request=request
    )
    messages.success(request, "Note ajoutée.")


@_action
def close(request, rights_request):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return detail(request, rights_request.public_id, answer_form=form)
    rights_requests.close_request(
        rights_request=rights_request,
        actor=request.user,
        outcome=RequestStatus(form.cleaned_data["outcome"]),
        answer=form.cleaned_data["answer"],
        request=request,
    )
    messages.success(request, "Réponse envoyée ; la demande est close et le justificatif d’identité supprimé.")
