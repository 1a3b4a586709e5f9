from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .forms import AcceptTermsForm
from .middleware import accepted_in_session, remember_accepted, scopes_for_path
from .models import TermsVersion
from .scopes import PORTAL_SCOPE, scope_choices
from .services import accept_terms, pending_terms


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@require_http_methods(["GET", "POST"])
def accept(request):
    """The blocking page: the current versions the person has not accepted for where they were going."""
    next_url = _safe_next(request)
    accepted = accepted_in_session(request)
    pending = pending_terms(user=request.user, scopes=scopes_for_path(next_url), accepted_ids=accepted)
    if not pending:
        remember_accepted(request, accepted)
        return redirect(next_url)
    form = AcceptTermsForm(
        request.POST or None, initial={"versions": ",".join(str(version.public_id) for version in pending)}
    )
    if request.method == "POST" and form.is_valid():
        shown = form.shown_version_ids()
        acceptances = accept_terms(
            user=request.user, versions=[version for version in pending if str(version.public_id) in shown]
        )
        remember_accepted(request, accepted | {acceptance.version_id for acceptance in acceptances})
        return redirect(next_url)
    return render(request, "legal/accept.html", {"form": form, "pending": pending, "next_url": next_url})


@login_not_required
def version_list(request):
    names = dict(scope_choices())
    versions = (
        TermsVersion.objects.published()
        .order_by("scope", "-published_at")
        .only("public_id", "scope", "version", "published_at", "summary")
    )
    groups = [
        {"scope": scope, "name": names.get(scope, scope), "versions": list(items)}
        for scope, items in groupby(versions, key=lambda version: version.scope)
    ]
    # The portal first, then the services in alphabetical order.
    groups.sort(key=lambda group: (group["scope"] != PORTAL_SCOPE, group["name"]))
    return render(request, "legal/version_list.html", {"groups": groups})


@login_not_required
def version_detail(request, public_id):
    version = get_object_or_404(TermsVersion.objects.published(), public_id=public_id)
    current = TermsVersion.objects.current(version.scope)
    return render(request, "legal/version_detail.html", {"version": version, "is_current": current == version})
