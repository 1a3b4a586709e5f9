"""Who may reach the Portail's organisation pages (see relais.core.access). The objects are organisation A's, for the
DECA service; its access manager manages them, nobody else does (another organisation's access manager included)."""

from relais.core.access import EVERYONE, SIGNED_IN, Access, Role, only

MANAGER = only(Role.ACCESS_MANAGER)

ACCESS = {
    "organizations:my_rights": Access(SIGNED_IN),
    "organizations:join": Access(SIGNED_IN, method="POST"),
    "organizations:redeem_code": Access(SIGNED_IN),
    # The emailed link is the capability; the page then requires the invited address to accept.
    "organizations:invitation": Access(EVERYONE, target="organizations.invitation"),
    "organizations:audit_log": Access(MANAGER, target="organizations.organization"),
    "organizations:request_access": Access(
        only(Role.MEMBER, Role.ACCESS_MANAGER), target="organizations.organization_service"
    ),
    "organizations:users": Access(MANAGER, target="organizations.organization_service"),
    "organizations:user_detail": Access(MANAGER, target="organizations.membership"),
    "organizations:change_manager": Access(MANAGER, target="organizations.membership", method="POST"),
    "organizations:remove_access": Access(MANAGER, target="organizations.membership", method="POST"),
    "organizations:requests": Access(MANAGER, target="organizations.organization_service"),
    "organizations:decide_request": Access(MANAGER, target="organizations.access_request"),
    "organizations:invite": Access(MANAGER, target="organizations.organization_service"),
    "organizations:revoke_invitation": Access(MANAGER, target="organizations.pending_invitation", method="POST"),
    "organizations:service_admin": Access(only(Role.SERVICE_ADMIN, Role.STAFF), target="organizations.service"),
    "organizations:service_admin_organization": Access(
        only(Role.SERVICE_ADMIN, Role.STAFF), target="organizations.service_organization"
    ),
    "organizations:generate_code": Access(
        only(Role.SERVICE_ADMIN, Role.STAFF), target="organizations.service_organization", method="POST"
    ),
}
