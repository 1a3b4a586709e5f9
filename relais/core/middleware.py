from django.conf import settings
from django.shortcuts import render

from .models import SiteStatus

# Staff must be able to sign in and switch maintenance off again.
MAINTENANCE_OPEN_PREFIXES = ("/admin/", "/compte/connexion/", "/static/", "/sante/")


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
