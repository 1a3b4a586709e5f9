"""Who may do what in the France Num app (the one place the views ask)."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from .enums import MemberStatus, Status
from .models import Activator, ActivatorMember, RegionalReviewer
from .querysets import REVIEW_PERMISSION

REVIEWERS_GROUP = "Administration France Num"


def is_national_reviewer(user) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION)


def is_reviewer(user) -> bool:
    return is_national_reviewer(user) or (user.is_authenticated and RegionalReviewer.objects.filter(user=user).exists())


def can_review(user, activator: Activator) -> bool:
    return Activator.objects.reviewable_by(user).filter(pk=activator.pk).exists()


def reviewer_emails(activator: Activator) -> list[str]:
    """National reviewers (the group) and the regional reviewers of the structure's region."""
    users = get_user_model().objects.filter(is_active=True)
    regional = Q(francenum_regions__region_id=activator.region_id) if activator.region_id else Q(pk__in=[])
    national = Q(groups__name=REVIEWERS_GROUP)
    return sorted(set(users.filter(regional | national).values_list("email", flat=True)))


def active_membership(user, activator: Activator | None = None) -> ActivatorMember | None:
    """The person's membership that opens the activator space: active member of a structure that is not
    suspended, refused or cancelled."""
    if not user.is_authenticated:
        return None
    memberships = ActivatorMember.objects.filter(user=user, status=MemberStatus.ACTIVE).exclude(
        activator__status__in=[Status.SUSPENDED, Status.REFUSED, Status.CANCELLED]
    )
    if activator is not None:
        memberships = memberships.filter(activator=activator)
    return memberships.select_related("activator", "user").order_by("-created_at").first()


def can_read_proofs(user, activator: Activator) -> bool:
    """Proofs and thread attachments: the reviewers of the structure and its own members."""
    return can_review(user, activator) or active_membership(user, activator) is not None
