import errno
import secrets
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from . import health, metrics
from .navigation import SERVICES


@login_not_required
def home(request):
    return render(request, "core/home.html", {"services": SERVICES})


def _static_page(template_name: str):
    @login_not_required
    def view(request):
        return render(request, template_name)

    return view


accessibility = _static_page("core/pages/accessibility.html")
legal_notice = _static_page("core/pages/legal_notice.html")
terms = _static_page("core/pages/terms.html")


@login_not_required
def sitemap(request):
    return render(request, "core/pages/sitemap.html", {"services": SERVICES})


def _health_response(checks: dict[str, health.Check]) -> JsonResponse:
    ready = all(check.status != health.ERROR for check in checks.values())
    body = {"status": "ok" if ready else "error", "checks": {name: check.as_json() for name, check in checks.items()}}
    return JsonResponse(body, status=200 if ready else 503)


@login_not_required
@never_cache
def health_check(request):
    """Readiness of the platform: database, cache, task queue, scheduler, outbox; 503 when one is in error."""
    return _health_response(health.run_checks())


@login_not_required
@never_cache
def instance_health(request):
    """Readiness of this web process alone (database, cache): what a load balancer needs to route to it."""
    return _health_response(health.run_checks(instance_only=True))


@login_not_required
@never_cache
def liveness(request):
    """The process answers; nothing else is checked (a restart would not cure a database outage)."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
def metrics_view(request):
    """Prometheus exposition, for a scraper holding METRICS_TOKEN; without a token set the page does not exist."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.encode(), token.encode()):
        response = HttpResponse("Jeton requis.", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metriques"'
        return response
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


@login_not_required
def ping(request):
    """The cheapest response the stack can give: the reference point of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def _error_page(template_name: str, status: int):
    @login_not_required
    def view(request, exception=None):
        return render(request, template_name, status=status)

    return view


bad_request = _error_page("core/errors/400.html", 400)
permission_denied = _error_page("core/errors/403.html", 403)
page_not_found = _error_page("core/errors/404.html", 404)


# The database restarting, unreachable or refusing connections: the request may be retried in a few seconds.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
STORAGE_FULL = (errno.ENOSPC, errno.EDQUOT)


@login_not_required
def server_error(request):
    """Django calls it while handling the exception, which tells what the visitor reads: the database being away
    and a full disk are not bugs, and get their own page with a status that says "try again later". Every page is
    rendered without context processors: the database may be the reason we are here."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.render_to_string("core/errors/503.html"), status=503)
        response["Retry-After"] = "10"
        return response
    if isinstance(error, OSError) and error.errno in STORAGE_FULL:
        return HttpResponse(loader.render_to_string("core/errors/507.html"), status=507)
    return HttpResponse(loader.render_to_string("core/errors/500.html"), status=500)
