"""Secure links from a notification email to a need's page: a capability for that one need, never a sign-in.

An expert reads the email on the go and should see the need without typing a password. Opening the link therefore
gives the browser a scoped access, kept in its session, to that need only (its page, its thread, the team's
positioning): the rest of the space (other needs, Mon compte) asks for a normal sign-in, with the second factor of
those who have one. The link is signed with a salt of its own (a token of another feature cannot be replayed here),
carries the need and the user it was sent to (a forwarded email opens nothing for someone else) and the user's
credentials fingerprint: it dies with a password change, a compromised-password report, a deactivation or a
suspension, and so does the access it gave.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from relais.accounts.models import User

from ..models import Need

NEED_LINK_SALT = "relais.conseillers_entreprises.need_link"
NEED_LINK_MAX_AGE = timedelta(days=30)
# Needs opened by link in this browser: {need public id: {"user": public id, "fp": credentials fingerprint}}.
GRANTS_SESSION_KEY = "ce_need_link_grants"
MAX_GRANTS_PER_SESSION = 50


def need_page_url(*, need: Need) -> str:
    """Absolute address of the need's page (emails are read outside the site)."""
    return settings.SITE_URL + reverse("conseillers_entreprises:need", kwargs={"public_id": need.public_id})


def need_link_url(*, need: Need, user: User) -> str:
    payload = {"need": str(need.public_id), "user": str(user.public_id), "fp": user.credentials_fingerprint()}
    token = signing.dumps(payload, salt=NEED_LINK_SALT)
    path = reverse("conseillers_entreprises:need_link", kwargs={"public_id": need.public_id, "token": token})
    return settings.SITE_URL + path


def user_from_need_link(*, need_public_id, token: str) -> User | None:
    """The user the link was sent to, or None when it is tampered, expired, made for another need, or issued before
    their access was revoked (or while they cannot sign in)."""
    try:
        payload = signing.loads(token, salt=NEED_LINK_SALT, max_age=NEED_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("need") != str(need_public_id):
        return None
    return _holder(payload.get("user"), payload.get("fp"))


def grant_need_access(*, session, need_public_id, user: User) -> None:
    """Let this browser see the need as `user` (and nothing else as them) for the life of its session."""
    grants = dict(session.get(GRANTS_SESSION_KEY, {}))
    grants.pop(str(need_public_id), None)
    grants[str(need_public_id)] = {"user": str(user.public_id), "fp": user.credentials_fingerprint()}
    session[GRANTS_SESSION_KEY] = dict(list(grants.items())[-MAX_GRANTS_PER_SESSION:])


def user_from_grant(*, session, need_public_id) -> User | None:
    """The user this browser may act as on this need, checked again at each request (revocation ends it)."""
    grant = session.get(GRANTS_SESSION_KEY, {}).get(str(need_public_id))
    if not isinstance(grant, dict):
        return None
    return _holder(grant.get("user"), grant.get("fp"))


def _holder(user_public_id, fingerprint) -> User | None:
    try:
        user = User.objects.filter(public_id=user_public_id, is_active=True).first()
    except ValidationError:
        return None
    if user is None or user.is_suspended or fingerprint != user.credentials_fingerprint():
        return None
    return user
