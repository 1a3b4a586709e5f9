from importlib import import_module

from oauth2_provider.oauth2_validators import OAuth2Validator


def organizations_claim(user) -> list[dict]:
    # The organizations app owns memberships and rights; it is imported when a token is made, not at start-up.
    return import_module("relais.organizations.services").organizations_claims(user)


class RelaisOAuth2Validator(OAuth2Validator):
    """The claims the catalogue's services receive: who the person is, and for which organisations they may act
    in which service with which rights."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "organizations": "organizations"}

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
            "organizations": lambda request: organizations_claim(request.user),
        }
