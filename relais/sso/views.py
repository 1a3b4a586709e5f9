"""The OpenID Connect endpoints as Relais offers them, on top of django-oauth-toolkit's, and "Services connectés"."""

import json
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider import views as oauth2_views
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauthlib.common import Request as OauthlibRequest

from relais.accounts.middleware import allowed_during_account_setup, second_factor_url_name, setup_step_url_name
from relais.legal.middleware import accepted_in_session, remember_accepted, scopes_for_path
from relais.legal.services import pending_terms

from . import services
from .enums import Acr
from .models import ClientProfile


def terms_scopes(query) -> list[str]:
    """The terms of the catalogue service a client is linked to, read by the legal app for /oidc/authorize/."""
    client_id = query.get("client_id")
    if not client_id:
        return []
    profile = (
        ClientProfile.objects.filter(application__client_id=client_id, digital_service__isnull=False)
        .select_related("digital_service")
        .first()
    )
    return [profile.digital_service.slug] if profile else []


@method_decorator(allowed_during_account_setup, name="dispatch")
class AuthorizationView(oauth2_views.AuthorizationView):
    """The authorisation endpoint: consent page in the DSFR layout, prompt=none answered to the service, acr_values
    honoured, the terms of the portal and of the service accepted first, consents remembered.

    The account-setup and terms middlewares leave this view alone (allowed_during_account_setup): it asks the same
    questions itself, since with prompt=none the answer must go back to the service instead of showing a page.
    """

    def get(self, request, *args, **kwargs):
        prompt = set(request.GET.get("prompt", "").split())
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        interaction = self._interaction_needed(request)
        if "none" in prompt:
            if interaction is not None:
                return self._error_to_client(application, credentials, interaction[0])
            if not (application.skip_authorization or self._has_consent(application, scopes)):
                return self._error_to_client(application, credentials, "consent_required")
            return self._authorize(request, application, scopes, credentials)
        if interaction is not None:
            return redirect(interaction[1])
        if "consent" not in prompt and self._has_consent(application, scopes):
            return self._authorize(request, application, scopes, credentials)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # The consent form cannot skip what the page asked first (second factor, terms), even if posted directly.
        if (interaction := self._interaction_needed(request)) is not None:
            return redirect(interaction[1])
        return super().post(request, *args, **kwargs)

    def handle_no_permission(self):
        # Nobody signed in: with prompt=none the service hears login_required (with `iss`, as every answer).
        if "none" not in self.request.GET.get("prompt", "").split():
            return super().handle_no_permission()
        try:
            _scopes, credentials = self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        application = get_application_model().objects.get(client_id=credentials["client_id"])
        return self._error_to_client(application, credentials, "login_required")

    def _interaction_needed(self, request) -> tuple[str, str] | None:
        """What the person must do before entering the service: (error for prompt=none, page to send them to)."""
        user = request.user
        here = request.get_full_path()
        wants_mfa = Acr.MFA in request.GET.get("acr_values", "").split()
        if wants_mfa and not user.is_verified():
            return "login_required", _with_next(second_factor_url_name(user), here)
        if url_name := setup_step_url_name(user):
            error = "login_required" if url_name == second_factor_url_name(user) else "interaction_required"
            return error, _with_next(url_name, here)
        accepted = accepted_in_session(request)
        pending = pending_terms(user=user, scopes=scopes_for_path(here), accepted_ids=accepted)
        remember_accepted(request, accepted)
        if pending:
            return "interaction_required", _with_next("legal:accept", here)
        return None

    def _has_consent(self, application, scopes) -> bool:
        return services.has_consent(user=self.request.user, application=application, scopes=scopes)

    def _authorize(self, request, application, scopes, credentials):
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=request, scopes=" ".join(scopes), credentials=credentials, allow=True
            )
        except OAuthToolkitError as error:
            return self.error_response(error, application)
        return self.redirect(uri, application)

    def _error_to_client(self, application, credentials, error: str):
        # OIDC Core §3.1.2.6: the answer goes to the registered redirect URI (oauthlib checked it), with the state
        # and the issuer (RFC 9207) like every authorisation response.
        parameters = {"error": error, "iss": oauth2_settings.oidc_issuer(self.request)}
        if credentials.get("state"):
            parameters["state"] = credentials["state"]
        redirect_uri = credentials["redirect_uri"]
        separator = "&" if "?" in redirect_uri else "?"
        return self.redirect(f"{redirect_uri}{separator}{urlencode(parameters)}", application)

    def create_authorization_response(self, request, scopes, credentials, allow):
        if allow:
            # Read by RelaisOAuth2Validator when it stores the code: what the ID token will say of this sign-in.
            credentials["relais_context"] = services.authentication_context(request)
        result = super().create_authorization_response(request, scopes, credentials, allow)
        if allow:
            application = get_application_model().objects.get(client_id=credentials["client_id"])
            services.record_consent(user=request.user, application=application, scopes=scopes.split())
        return result

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        form = context.get("form")
        redirect_uri = form["redirect_uri"].value() if form is not None else None
        if redirect_uri:
            # Browsers apply the page's form-action to the redirect that follows the consent form: without the
            # service's origin there, our strict CSP ('self') would block the way back to the service.
            parts = urlsplit(redirect_uri)
            response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
        return response


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class ConnectDiscoveryInfoView(oauth2_views.ConnectDiscoveryInfoView):
    """The discovery document lists exactly what Relais offers (the toolkit's lists what it could offer)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data.update(
            {
                "id_token_signing_alg_values_supported": ["RS256"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "response_modes_supported": ["query"],
                "prompt_values_supported": ["none", "consent"],
                "acr_values_supported": list(Acr.values),
                "claims_supported": sorted({*data["claims_supported"], "acr", "amr", "auth_time", "sid"}),
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "revocation_endpoint": self._get_endpoint_url(request, "revoke-token", required=True),
                "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "introspection_endpoint": self._get_endpoint_url(request, "introspect", required=True),
                "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "backchannel_logout_supported": True,
                "backchannel_logout_session_supported": True,
                "frontchannel_logout_supported": False,
                "claims_parameter_supported": False,
                "request_parameter_supported": False,
                "request_uri_parameter_supported": False,
                "ui_locales_supported": ["fr-FR"],
            }
        )
        return JsonResponse(data, headers={"Access-Control-Allow-Origin": "*"})


class UserInfoView(oauth2_views.UserInfoView):
    """The toolkit's userinfo answers a token in the query string; RFC 6750 §2.3 and RFC 9700 §4.3.2 forbid it."""

    def _create_userinfo_response(self, request):
        if "access_token" in request.GET:
            response = JsonResponse(
                {
                    "error": "invalid_request",
                    "error_description": "Le jeton d'accès se transmet dans l'en-tête Authorization, jamais dans "
                    "l'adresse.",
                },
                status=400,
            )
            response["WWW-Authenticate"] = 'Bearer error="invalid_request"'
            return response
        return super()._create_userinfo_response(request)


class IntrospectTokenView(oauth2_views.IntrospectTokenView):
    """RFC 7662, for the services' servers: a client learns only about its own tokens, never from the query string,
    and the person is named by their public subject, not their email."""

    def get(self, request, *args, **kwargs):
        return JsonResponse({"error": "invalid_request", "error_description": "Utilisez POST."}, status=405)

    def post(self, request, *args, **kwargs):
        token_value = request.POST.get("token")
        response = self.get_token_response(token_value)
        data = json.loads(response.content)
        if not data.get("active"):
            return response
        client = _authenticated_client(self, request)
        token = services.access_token_for(token_value)
        if client is None or token is None or token.application_id != client.pk:
            return JsonResponse({"active": False})
        data.pop("username", None)
        data.update(sub=str(token.user.public_id), token_type="Bearer", iss=oauth2_settings.oidc_issuer(request))
        return JsonResponse(data)


def _authenticated_client(view, request):
    # The toolkit's client check answers yes or no; the client it found is on the oauthlib request it builds, which
    # is made here the same way (its _extract_params) to know whose token is asked about.
    core = view.get_oauthlib_core()
    uri, http_method, body, headers = core._extract_params(request)
    oauth_request = OauthlibRequest(uri, http_method, body, headers)
    if not core.server.request_validator.authenticate_client(oauth_request):
        return None
    return oauth_request.client


class RPInitiatedLogoutView(oauth2_views.RPInitiatedLogoutView):
    """End-session endpoint (OpenID Connect RP-Initiated Logout 1.0), in the DSFR layout; the services signed into
    from this session hear of it through the back-channel (sso.services.on_logged_out)."""

    template_name = "sso/logout_confirm.html"


# "Services connectés" in Mon compte ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def connected_services(request):
    consents = list(services.connected_services(user=request.user))
    return render(request, "sso/connected_services.html", {"consents": consents})


@require_POST
def withdraw_consent(request, client_id):
    consent = get_object_or_404(services.connected_services(user=request.user), application__client_id=client_id)
    services.withdraw_consent(user=request.user, application=consent.application)
    messages.success(
        request,
        f"{consent.application.name} n'a plus accès à votre compte : ses jetons sont révoqués et sa session est "
        "fermée. Il vous demandera votre accord à votre prochaine connexion.",
    )
    return redirect("sso:connected_services")
