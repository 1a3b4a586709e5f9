"""« Exercer mes droits » for people without an account, and the copy of their data the DPO's answer links to."""

import uuid

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from relais.core.ratelimit import client_ip

from ..enums import DataRight, Service
from ..forms import RightsRequestForm
from ..services import rights_requests
from ..services.rights_requests import REQUEST_LIMIT
from .exports import FORMATS, export_response

SENT_SESSION_KEY = "privacy_rights_request_sent"


def _initial(request) -> dict:
    initial = {"submission_token": uuid.uuid4()}
    if request.GET.get("droit") in DataRight.values:
        initial["right"] = request.GET["droit"]
    if request.GET.get("service") in Service.values:
        initial["service"] = request.GET["service"]
    if request.user.is_authenticated:
        initial |= {"name": request.user.get_full_name(), "email": request.user.email}
    return initial


@login_not_required
@require_http_methods(["GET", "POST"])
def request_form(request):
    form = RightsRequestForm(request.POST or None, request.FILES or None, initial=_initial(request))
    limited = False
    if request.method == "POST":
        ip = client_ip(request)
        email = request.POST.get("email", "")
        limited = REQUEST_LIMIT.exceeded(ip, email)
        if not limited and form.is_valid():
            REQUEST_LIMIT.hit(ip, form.cleaned_data["email"])
            reference = ""
            if not form.is_spam():
                rights_request = rights_requests.submit_request(
                    right=form.cleaned_data["right"],
                    service=form.cleaned_data["service"],
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    details=form.cleaned_data["details"],
                    identity_proof=form.cleaned_data["identity_proof"],
                    submission_token=form.cleaned_data["submission_token"],
                    request=request,
                )
                reference = rights_request.reference
            # A robot caught by the honeypot sees the same confirmation: nothing tells it it was caught.
            request.session[SENT_SESSION_KEY] = reference
            return redirect("privacy:request_sent")
    status = 429 if limited else 200
    return render(request, "privacy/request_form.html", {"form": form, "limited": limited}, status=status)


@login_not_required
def request_sent(request):
    return render(request, "privacy/request_sent.html", {"reference": request.session.get(SENT_SESSION_KEY, "")})


@login_not_required
@never_cache
def request_export(request, token: str):
    """The copy of the data of an answered access request: the link of the DPO's email, and nothing more."""
    rights_request = rights_requests.request_from_export_token(token)
    fmt = request.GET.get("format", "page")
    if rights_request is None or fmt not in FORMATS:
        raise Http404
    if fmt != "page":
        rights_requests.record_export_download(rights_request=rights_request, request=request)
    base = reverse("privacy:request_export", args=[token])
    return export_response(
        request,
        subject=rights_requests.subject_of(rights_request),
        fmt=fmt,
        page_context={"json_url": f"{base}?format=json", "html_url": f"{base}?format=html"},
    )
