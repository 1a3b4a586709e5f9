"""« Mes données personnelles »: what Relais holds about the signed-in person, its copy, how to correct it, erase
it, or stop a processing."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..enums import AuditAction
from ..registry import RECTIFICATION_BY_REQUEST, DataSubject, registry
from ..services.audit import record
from ..services.objections import apply_objection
from ..services.personal_data import erasure_plan
from .exports import FORMATS, export_response


def _rectification_url(entry) -> str:
    """Where the person corrects these data: a page of their own, or a request to the DPO; "" if not correctable."""
    if not entry.rectification:
        return ""
    url = reverse(entry.rectification)
    if entry.rectification == RECTIFICATION_BY_REQUEST:
        url += f"?droit=rectification&service={entry.service}"
    return url


def my_data(request):
    subject = DataSubject.of_user(request.user)
    plan = sorted(erasure_plan(subject), key=lambda item: (not item.entry.account, item.service, item.entry.label))
    return render(
        request,
        "privacy/my_data.html",
        {
            "plan": [(item, _rectification_url(item.entry)) for item in plan],
            "erasure": plan,
            "objections": [
                (objection, objection.objecting(subject))
                for objection in registry.objections_of()
                if objection.active(subject)
            ],
        },
    )


@never_cache
def my_data_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    record(action=AuditAction.PERSONAL_DATA_EXPORTED, request=request, target=request.user, details={"format": fmt})
    return export_response(
        request,
        subject=DataSubject.of_user(request.user),
        fmt=fmt,
        page_context={
            "json_url": reverse("privacy:my_data_export", args=["json"]),
            "html_url": reverse("privacy:my_data_export", args=["html"]),
        },
    )


@require_POST
def object_to_processing(request, slug: str):
    objection = registry.objections.get(slug)
    subject = DataSubject.of_user(request.user)
    if objection is None or not objection.active(subject):
        raise Http404
    apply_objection(slug=slug, subject=subject, actor=request.user, request=request)
    messages.success(request, f"Votre opposition est enregistrée : {objection.label}.")
    return redirect("privacy:my_data")
