from datetime import UTC
from importlib import import_module

from oauth2_provider.oauth2_validators import OAuth2Validator

from . import services


def _organizations():
    # The organizations app owns memberships and rights; it is imported when a token is made, not at start-up.
    return import_module("relais.organizations.services")


def _may_still_sign_in(user) -> bool:
    return user is not None and user.is_active and not user.is_suspended


class RelaisOAuth2Validator(OAuth2Validator):
    """The claims the catalogue's services receive (who the person is, how they signed in, for which organisations
    and establishments they may act in which service with which rights), and the checks the toolkit leaves to us."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "organizations": "organizations",
        "establishments": "organizations",
    }

    def get_additional_claims(self):
        # Request-agnostic (callables) so that discovery lists the claims and each one is computed only when its
        # scope was granted. The subject is the public UUID: the sequential id must not leave the platform.
        return {
            "sub": lambda request: str(request.user.public_id),
            "email": lambda request: request.user.email,
            "email_verified": lambda request: request.user.email_verified_at is not None,
            "given_name": lambda request: request.user.first_name,
            "family_name": lambda request: request.user.last_name,
            "name": lambda request: request.user.get_full_name(),
            "organizations": lambda request: _organizations().organizations_claims(request.user),
            "establishments": lambda request: _organizations().establishments_claims(request.user),
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        sign_in = getattr(request, "relais_sign_in", None)
        if sign_in is not None:
            claims.update(
                acr=sign_in.acr,
                amr=sign_in.amr.split(),
                auth_time=int(sign_in.auth_time.astimezone(UTC).timestamp()),
                sid=sign_in.session_id,
            )
        return claims, expiration_time

    def refresh_id_token(self, request):
        # A refreshed ID token would restate an authentication that did not happen again (OIDC Core §12.2 allows
        # leaving it out): the services read acr and auth_time from the one of the sign-in.
        return False

    # Authorisation endpoint --------------------------------------------------------------------------------------

    def validate_silent_login(self, request):
        # prompt=none: sso.views.AuthorizationView answers login_required itself before the toolkit gets there.
        return True

    def validate_silent_authorization(self, request):
        # prompt=none: the view answers consent_required unless the person consented to these scopes before.
        return True

    def _create_authorization_code(self, request, code, expires=None):
        grant = super()._create_authorization_code(request, code, expires=expires)
        services.record_sign_in(
            user=request.user, application=request.client, code=code["code"], context=request.relais_context
        )
        return grant

    # Token endpoint ----------------------------------------------------------------------------------------------

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            if not _may_still_sign_in(request.user):
                return False
            request.relais_sign_in = services.sign_in_for_code(code)
            return True
        services.revoke_replayed_code(code=code)
        return False

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous_refresh_token):
        refresh_token = super()._create_refresh_token(request, refresh_token_code, access_token, previous_refresh_token)
        request.relais_refresh_token = refresh_token
        return refresh_token

    def save_bearer_token(self, token, request, *args, **kwargs):
        result = super().save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code":
            refresh_token = getattr(request, "relais_refresh_token", None)
            services.mark_code_redeemed(code=request.code, token_family=refresh_token and refresh_token.token_family)
        return result

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return valid and _may_still_sign_in(request.user)

    def validate_bearer_token(self, token, scopes, request):
        # Tokens are revoked when an account is deactivated or suspended; this also holds for one that ends by date.
        return super().validate_bearer_token(token, scopes, request) and _may_still_sign_in(request.user)

    def _check_secret(self, provided_secret, stored_secret):
        # After a rotation the previous secret stays valid for a while (sso.services.rotate_client_secret).
        return super()._check_secret(provided_secret, stored_secret) or services.accepts_previous_secret(
            stored_secret=stored_secret, provided_secret=provided_secret
        )
