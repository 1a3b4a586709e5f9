from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from . import services
from .views import PENDING_INVITATION_SESSION_KEY


@receiver(user_logged_in, dispatch_uid="organizations_accept_pending_invitation")
def accept_pending_invitation(sender, request, user, **kwargs):
    """Someone who opened an invitation link before logging in (or before signing up) gets it on login.

    Login keeps the anonymous session's data, so the token is still there. Accepting needs the account that the
    invitation was sent to; any other outcome is told to the person and the token is dropped.
    """
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
    if not token:
        return
    try:
        membership = services.accept_invitation(user=user, token=token)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation acceptée : vous agissez désormais pour {membership.organization.name}.")
