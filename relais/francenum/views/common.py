"""What the views of the app share: the member and reviewer checks, error messages."""

from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render

from ..enums import MemberStatus, Status
from ..models import Activator, ActivatorMember
from ..permissions import active_membership, is_reviewer


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def member_required(view):
    """The activator space: an active member of a structure that is neither suspended nor closed. A member of a
    suspended structure is told why, and gets nothing else."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = active_membership(request.user)
        if membership is None:
            suspended = (
                ActivatorMember.objects.filter(user=request.user)
                .filter(status=MemberStatus.SUSPENDED)
                .union(ActivatorMember.objects.filter(user=request.user, activator__status=Status.SUSPENDED))
                .exists()
            )
            return render(request, "francenum/space/no_access.html", {"suspended": suspended}, status=403)
        request.membership = membership
        return view(request, *args, **kwargs)

    return wrapper


def referent_required(view):
    @wraps(view)
    @member_required
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_referent:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def reviewer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_reviewer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def reviewable(request, public_id) -> Activator:
    """The structure, if this reviewer may see it (another region's: 404)."""
    return get_object_or_404(
        Activator.objects.reviewable_by(request.user).select_related("region", "department", "commune"),
        public_id=public_id,
    )
