"""The Portail's objects of the permission matrix: organisation A's, for DECA."""

from relais.core.access import Role
from relais.organizations import services
from relais.organizations.models import AccessRequest, Invitation, hash_secret


def targets(world) -> dict[str, dict]:
    deca = world.objects["deca"]
    organization = world.objects["organization_a"]
    member = world.objects["member_of_a"]
    manager = world.users[Role.ACCESS_MANAGER]
    access_request = services.request_access(
        user=world.users[Role.MEMBER], organization=organization, service=deca, rights=[], message="Merci"
    )
    invitation = services.invite_user(
        actor=manager, organization=organization, service=deca, email="invite@soierie.fr", rights=[]
    )
    token = "jeton-de-l-invitation"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_secret(token))
    base = {"organization_id": organization.public_id, "service_slug": deca.slug}
    return {
        "organizations.organization": {"organization_id": organization.public_id},
        "organizations.organization_service": base,
        "organizations.membership": {**base, "membership_id": member.public_id},
        "organizations.access_request": {
            **base,
            "request_id": AccessRequest.objects.get(pk=access_request.pk).public_id,
        },
        "organizations.pending_invitation": {**base, "invitation_id": invitation.public_id},
        "organizations.invitation": {"token": token},
        "organizations.service": {"service_slug": deca.slug},
        "organizations.service_organization": {"service_slug": deca.slug, "organization_id": organization.public_id},
    }
