from urllib.parse import urlsplit

from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from .scopes import PORTAL_SCOPE, scope_for_namespace
from .services import pending_terms

SESSION_KEY = "legal_accepted_terms"

# Reachable without accepting: leaving (logout), reading what one is asked to accept (the terms and the legal
# pages), getting help, exercising one's data rights, reporting a security incident, and the probes. The OIDC
# token, JWKS and userinfo endpoints are called by the services' servers without a session, so they never reach
# this check; the authorisation endpoint is not exempt, since it is how a person enters a catalogue service.
EXEMPT_NAMESPACES = {"legal", "assistance", "privacy", "incidents"}
EXEMPT_VIEW_NAMES = {
    "accounts:logout",
    "core:terms",
    "core:legal_notice",
    "core:accessibility",
    "core:health",
    "core:ping",
    "core:instance_health",
    "core:liveness",
    "core:metrics",
}


def scopes_for_match(namespaces: list[str]) -> list[str]:
    """The portal's terms always apply; a service's terms too when the URL belongs to that service."""
    service_scopes = [scope for namespace in namespaces if (scope := scope_for_namespace(namespace))]
    return [PORTAL_SCOPE, *service_scopes[:1]]


def scopes_for_path(path: str) -> list[str]:
    """The scopes of a URL; a view may add others from its query string with a `terms_scopes(query)` attribute
    (the OpenID Connect authorisation endpoint adds the terms of the catalogue service a client belongs to)."""
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return [PORTAL_SCOPE]
    scopes = scopes_for_match(match.namespaces)
    if extra := getattr(match.func, "terms_scopes", None):
        scopes += [scope for scope in extra(QueryDict(parts.query)) if scope not in scopes]
    return scopes


def accepted_in_session(request) -> set[int]:
    return set(request.session.get(SESSION_KEY, []))


def remember_accepted(request, accepted: set[int]) -> None:
    if accepted != accepted_in_session(request):
        request.session[SESSION_KEY] = sorted(accepted)


class TermsAcceptanceMiddleware:
    """A signed-in person who has not accepted the terms in force sees the acceptance page before anything else.

    Staff keep the admin: it is where versions are published and corrected, and a wrong version must not lock
    out the people who can fix it. The accepted versions are kept in the session, so an up-to-date person costs
    no query (the current versions come from the cache).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        # Sign-up steps and the second factor come first (accounts.middleware.AccountSetupMiddleware).
        if getattr(view_func, "allowed_during_account_setup", False):
            return None
        if match is None or self._exempt(request, match):
            return None
        accepted = accepted_in_session(request)
        pending = pending_terms(user=user, scopes=scopes_for_match(match.namespaces), accepted_ids=accepted)
        remember_accepted(request, accepted)
        if not pending:
            return None
        url = f"{reverse('legal:accept')}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)

    @staticmethod
    def _exempt(request, match) -> bool:
        if match.view_name in EXEMPT_VIEW_NAMES or EXEMPT_NAMESPACES.intersection(match.namespaces):
            return True
        return "admin" in match.namespaces and request.user.is_staff
