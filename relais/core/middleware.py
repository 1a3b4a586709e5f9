import logging
import time

import sentry_sdk
from django.conf import settings
from django.shortcuts import render

from . import logs, metrics
from .models import SiteStatus

access_logger = logging.getLogger("relais.requests")

# Staff must be able to sign in and switch maintenance off again; monitoring keeps watching.
MAINTENANCE_OPEN_PREFIXES = ("/admin/", "/compte/connexion/", "/static/", "/sante/", "/metriques/")


class MaintenanceModeMiddleware:
    """Seed 000 art. 7: during maintenance every visitor but staff sees an unavailability page (503)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._blocks(request):
            status = SiteStatus.current()
            response = render(
                request,
                "core/maintenance.html",
                {"message": status.maintenance_message},
                status=503,
            )
            response["Retry-After"] = "3600"
            return response
        return self.get_response(request)

    def _blocks(self, request) -> bool:
        if request.path.startswith(MAINTENANCE_OPEN_PREFIXES):
            return False
        if not (settings.MAINTENANCE_MODE or SiteStatus.current().maintenance_enabled):
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated and user.is_staff)


class RequestObservabilityMiddleware:
    """Outermost: gives each request its id (logs, `X-Request-ID` header, error tracker), then logs one line and
    observes the latency histogram per view. The line names the view and its route, never the raw path, which may
    carry a signed token, nor the query string, which may carry an e-mail address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = logs.request_id_from(request.headers.get("X-Request-ID"))
        if settings.SENTRY_DSN:
            sentry_sdk.set_tag("request_id", request.request_id)
        binding = logs.bind_request(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            view = (match.view_name if match else "") or "-"
            metrics.REQUEST_DURATION.labels(
                view=view, method=request.method, status=f"{response.status_code // 100}xx"
            ).observe(duration)
            access_logger.info(
                "%s %s %s %.0f ms",
                request.method,
                logs.route_of(request),
                response.status_code,
                duration * 1000,
                extra={
                    "method": request.method,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                },
            )
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            logs.unbind_request(binding)
