"""The connected-services objects of the permission matrix: a consent of organisation A's member."""

from oauth2_provider.models import get_application_model

from relais.core.access import Role
from relais.sso.models import Consent


def targets(world) -> dict[str, dict]:
    application_model = get_application_model()
    application = application_model.objects.create(
        name="CERES",
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://ceres.exemple.gouv.fr/oidc/callback",
        algorithm=application_model.RS256_ALGORITHM,
    )
    Consent.objects.create(user=world.users[Role.MEMBER], application=application, scope="openid")
    return {"sso.consent": {"client_id": application.client_id}}
