"""Reads of needs and matches: who may see a need, and the scopes of the inbox tabs."""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q

from relais.companies.models import normalize_search_text

from ..enums import CLOSED_STATUSES, MatchStatus

# A match still waiting 45 days after it was sent is "expired" (the public service's `Match.with_status_expired`):
# it leaves the "new" tab although its status stays `quo`.
EXPIRY_DELAY = timedelta(days=45)


class NeedQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NeedQuerySet":
        """Support sees every need; an agent those sent to their teams or to a team of an antenne they manage; the
        advisor who detected a need in an "Analyse" follows it. Anyone else sees nothing (a 404 for the page)."""
        from ..permissions import is_support

        if is_support(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        match = self.model._meta.get_field("matches").related_model
        involved = match.objects.filter(need=OuterRef("pk")).filter(
            Q(expert__users=user) | Q(expert__antenne__managers=user)
        )
        return self.filter(Q(Exists(involved)) | Q(diagnosis__advisor=user))


class MatchQuerySet(models.QuerySet):
    def sent_to(self, expert_ids) -> "MatchQuerySet":
        """Matches sent to these teams; `expert_ids` is a list or a subquery of expert primary keys."""
        return self.filter(expert_id__in=expert_ids, sent_at__isnull=False)

    def search(self, text: str) -> "MatchQuerySet":
        """Every word must appear in the company's name, its SIRET, the contact's name or the subject (the need as
        the team received it, `Match.search_text`, carried by the inbox index)."""
        for word in normalize_search_text(text).split():
            self = self.filter(search_text__contains=word)
        return self

    # The inbox tabs, one scope each; `tab_condition` gives them to the aggregate that counts them.
    @staticmethod
    def tab_condition(slug: str, now: datetime) -> Q:
        expired_before = now - EXPIRY_DELAY
        return {
            "nouveaux": Q(status=MatchStatus.QUO, sent_at__gt=expired_before),
            "pris-en-charge": Q(status=MatchStatus.TAKING_CARE),
            "clotures": Q(status__in=CLOSED_STATUSES),
            "refuses": Q(status=MatchStatus.NOT_FOR_ME),
            "expires": Q(status=MatchStatus.QUO, sent_at__lte=expired_before),
        }[slug]

    def new(self, now: datetime) -> "MatchQuerySet":
        return self.filter(self.tab_condition("nouveaux", now))

    def taken(self) -> "MatchQuerySet":
        return self.filter(status=MatchStatus.TAKING_CARE)

    def closed(self) -> "MatchQuerySet":
        return self.filter(status__in=CLOSED_STATUSES)

    def refused(self) -> "MatchQuerySet":
        return self.filter(status=MatchStatus.NOT_FOR_ME)

    def expired(self, now: datetime) -> "MatchQuerySet":
        return self.filter(self.tab_condition("expires", now))


def match_search_text(*, company_name: str, siret: str, first_name: str, last_name: str, subject_label: str) -> str:
    """What the inbox search looks into, normalized as the words searched are."""
    return normalize_search_text(" ".join((company_name, siret, first_name, last_name, subject_label)))[:500]
