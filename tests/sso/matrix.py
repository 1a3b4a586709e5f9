"""The connected-services objects of the permission matrix: a consent of organisation A's member."""

from relais.core.access import Role
from relais.sso.models import Consent
from tests.sso.relying_party import make_service


def targets(world) -> dict[str, dict]:
    service = make_service()
    Consent.objects.create(user=world.users[Role.MEMBER], application=service.application, scope="openid")
    return {"sso.consent": {"client_id": service.client_id}}
