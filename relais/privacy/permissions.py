"""Who may do what in privacy. Roles are groups (created by a migration, given in the admin):
"Délégués à la protection des données" handle the rights requests, "Équipe sécurité" the incident reports;
administrators (staff with the permission) read the audit log; the DPO and administrators read the register."""

from functools import wraps

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

DPO_PERMISSION = "privacy.handle_datarightsrequest"
SECURITY_PERMISSION = "privacy.handle_incidentreport"
AUDIT_PERMISSION = "privacy.view_auditentry"
DPO_GROUP = "Délégués à la protection des données"
SECURITY_GROUP = "Équipe sécurité"
ROLE_GROUPS = {DPO_GROUP: DPO_PERMISSION, SECURITY_GROUP: SECURITY_PERMISSION}


def role_group(name: str) -> Group:
    """The group of a privacy role, with its permission (created by a migration; recreated here if it was removed)."""
    group, _ = Group.objects.get_or_create(name=name)
    app_label, codename = ROLE_GROUPS[name].split(".")
    group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


def is_dpo(user) -> bool:
    return user.is_authenticated and user.has_perm(DPO_PERMISSION)


def is_security_team(user) -> bool:
    return user.is_authenticated and user.has_perm(SECURITY_PERMISSION)


def may_read_audit_log(user) -> bool:
    return user.is_authenticated and user.is_staff and user.has_perm(AUDIT_PERMISSION)


def may_read_register(user) -> bool:
    return user.is_authenticated and (user.is_staff or is_dpo(user))


def requires(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
