"""Workflows of organisations and access management, one module per concept.

Each change locks the row it changes, writes an `AuditEvent` and queues its emails in the same transaction.
Who may call what is decided by the `can_*` functions, which the views check before calling a workflow.
"""

from .codes import generate_access_manager_code, redeem_access_manager_code
from .common import ACCESS_MANAGER_CODE_VALIDITY, INVITATION_VALIDITY, NoAccessManager
from .invitations import accept_invitation, check_invitation_usable, find_invitation, invite_user, revoke_invitation
from .memberships import get_or_create_organization, join_organization
from .permissions import (
    can_administer_service,
    can_manage_access,
    establishments_claims,
    is_access_manager,
    managers_of,
    organizations_claims,
)
from .requests import accept_access_request, refuse_access_request, request_access
from .rights import appoint_access_manager, remove_access, revoke_access_manager, set_access_rights

__all__ = [
    "ACCESS_MANAGER_CODE_VALIDITY",
    "INVITATION_VALIDITY",
    "NoAccessManager",
    "accept_access_request",
    "accept_invitation",
    "appoint_access_manager",
    "can_administer_service",
    "can_manage_access",
    "check_invitation_usable",
    "establishments_claims",
    "find_invitation",
    "generate_access_manager_code",
    "get_or_create_organization",
    "invite_user",
    "is_access_manager",
    "join_organization",
    "managers_of",
    "organizations_claims",
    "redeem_access_manager_code",
    "refuse_access_request",
    "remove_access",
    "request_access",
    "revoke_access_manager",
    "revoke_invitation",
    "set_access_rights",
]
