"""Terms versions: publication (announced by email) and acceptance (seed 003 §3–5)."""

from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from relais.notifications.services import queue_email

from .models import TermsAcceptance, TermsVersion
from .scopes import PORTAL_SCOPE

_NONE = "none"


def _cache_key(scope: str) -> str:
    return f"legal:current-terms:{scope}"


def current_terms(scope: str) -> TermsVersion | None:
    """The version in force for `scope`, read at most once per CURRENT_CACHE_SECONDS per process.

    The middleware asks on every request of a signed-in person. The cache also expires the value so that a
    version published with a future date comes into force on time (settings.LEGAL_TERMS_CACHE_SECONDS).
    """
    cached = cache.get(_cache_key(scope))
    if cached == _NONE:
        return None
    if cached is None:
        cached = TermsVersion.objects.current(scope)
        cache.set(_cache_key(scope), cached or _NONE, settings.LEGAL_TERMS_CACHE_SECONDS)
    return cached


def concerned_users(scope: str) -> QuerySet:
    """Who must hear of a new version: every active account for the portal; for a service, those who hold
    rights in it (organizations app) and those who accepted one of its earlier versions (its own users)."""
    users = get_user_model().objects.filter(is_active=True)
    if scope == PORTAL_SCOPE:
        return users
    concerned = Q(terms_acceptances__version__scope=scope)
    if apps.is_installed("relais.organizations"):
        concerned |= Q(memberships__access_rights__service__slug=scope)
    return users.filter(concerned).distinct()


def publish_terms_version(
    *,
    scope: str,
    version: str,
    body: str,
    summary: str = "",
    published_at: datetime | None = None,
    notify: bool = True,
) -> TermsVersion:
    """Create a version and announce it by email to the people concerned; they accept it at their next visit."""
    with transaction.atomic():
        terms = TermsVersion.objects.create(
            scope=scope,
            version=version,
            body=body,
            summary=summary,
            published_at=published_at or timezone.now(),
        )
        if notify:
            announce_terms_version(terms=terms)
        transaction.on_commit(lambda: cache.delete(_cache_key(scope)))
    return terms


def announce_terms_version(*, terms: TermsVersion) -> int:
    """One email per person (their address is nobody else's business); return how many were queued."""
    context = {
        "scope_name": terms.scope_name,
        "version": terms.version,
        "published_at": terms.published_at,
        "summary": terms.summary,
        "is_portal": terms.scope == PORTAL_SCOPE,
        "version_path": reverse("legal:version_detail", args=[terms.public_id]),
    }
    count = 0
    for email, first_name in concerned_users(terms.scope).values_list("email", "first_name").iterator():
        queue_email(to=[email], template="legal/emails/new_terms", context={**context, "first_name": first_name})
        count += 1
    return count


def pending_terms(*, user, scopes: list[str], accepted_ids: set[int] | None = None) -> list[TermsVersion]:
    """The current versions of `scopes` that `user` has not accepted yet.

    `accepted_ids` are versions already known to be accepted (the middleware keeps them in the session), so that
    a person who is up to date costs no query.
    """
    if accepted_ids is None:
        accepted_ids = set()
    current = [version for scope in scopes if (version := current_terms(scope)) is not None]
    unknown = [version.pk for version in current if version.pk not in accepted_ids]
    if not unknown:
        return []
    accepted = set(
        TermsAcceptance.objects.filter(user=user, version_id__in=unknown).values_list("version_id", flat=True)
    )
    accepted_ids.update(accepted)
    return [version for version in current if version.pk in unknown and version.pk not in accepted]


def accept_terms(*, user, versions: list[TermsVersion]) -> list[TermsAcceptance]:
    """Record the acceptance of each version once, with its date; accepting twice keeps the first date."""
    acceptances = []
    for version in versions:
        try:
            with transaction.atomic():
                acceptance, _created = TermsAcceptance.objects.get_or_create(user=user, version=version)
        except IntegrityError:
            # A double submit raced us between the lookup and the insert: the other request recorded it.
            acceptance = TermsAcceptance.objects.get(user=user, version=version)
        acceptances.append(acceptance)
    return acceptances
