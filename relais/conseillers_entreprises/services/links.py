"""Signed links from a notification email to a need's page, each bound to the one user it was sent to.

An expert reads the email on the go and should land on the need without typing a password: the link logs its
recipient in. It is therefore signed with a salt of its own (a token of another feature cannot be replayed here),
carries the need and the user (a forwarded email opens nothing for someone else) and expires.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from relais.accounts.models import User

from ..models import Need

NEED_LINK_SALT = "relais.conseillers_entreprises.need_link"
NEED_LINK_MAX_AGE = timedelta(days=30)


def need_page_url(*, need: Need) -> str:
    """Absolute address of the need's page (emails are read outside the site)."""
    return settings.SITE_URL + reverse("conseillers_entreprises:need", kwargs={"public_id": need.public_id})


def need_link_url(*, need: Need, user: User) -> str:
    token = signing.dumps({"need": str(need.public_id), "user": str(user.public_id)}, salt=NEED_LINK_SALT)
    path = reverse("conseillers_entreprises:need_link", kwargs={"public_id": need.public_id, "token": token})
    return settings.SITE_URL + path


def user_from_need_link(*, need_public_id, token: str) -> User | None:
    """The active user the link was sent to, or None when it is tampered, expired or made for another need."""
    try:
        payload = signing.loads(token, salt=NEED_LINK_SALT, max_age=NEED_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("need") != str(need_public_id):
        return None
    return User.objects.filter(public_id=payload.get("user"), is_active=True).first()
