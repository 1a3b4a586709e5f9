from functools import wraps

from django.core.exceptions import PermissionDenied

SUPPORT_PERMISSION = "conseillers_entreprises.triage_solicitation"


def is_support(user) -> bool:
    """The support team triages solicitations and follows needs up; the permission is given through a group."""
    return user.is_authenticated and user.has_perm(SUPPORT_PERMISSION)


def support_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_support(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
