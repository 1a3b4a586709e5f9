from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttling


class ThrottledModelBackend(ModelBackend):
    """ModelBackend that refuses any attempt on a locked account or from a locked IP address, and suspended accounts.

    The check sits here, not only in our login form, so that every way in (the administration's login page
    included) is throttled. Failures are counted by the user_login_failed signal (see apps.py).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and throttling.lock_message(email=username, ip=throttling.client_ip(request)):
            # authenticate() stops at PermissionDenied instead of trying the next backend.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user):
        # Also asked for the user of every session (get_user): a suspension ends the sessions in progress.
        return super().user_can_authenticate(user) and not user.is_suspended
