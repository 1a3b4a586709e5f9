"""Reads of the France Num app: who sees which structure, the reviewers' queue, contacts' deadlines."""

from django.apps import apps
from django.db import connection, models
from django.db.models import Count, Q

from .enums import IN_REVIEW, ContactStatus, MemberStatus, Status

REVIEW_PERMISSION = "francenum.review_activator"
# Above this many structures matching the words, free-text search filters by subquery rather than by a list of ids.
MAX_MATCHED_IDS = 5000
# SQLite's full-text index of Activator.search_text (migration 0006).
FTS_TABLE = "francenum_activator_fts"


class ActivatorQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.VALIDATED)

    def in_review(self):
        return self.filter(status__in=IN_REVIEW)

    def reviewable_by(self, user):
        """National reviewers see every structure; a regional reviewer those of its regions (and foreign ones,
        which belong to no region, are national)."""
        if not user.is_authenticated:
            return self.none()
        if user.has_perm(REVIEW_PERMISSION):
            return self.exclude(status=Status.DRAFT)
        regions = list(user.francenum_regions.values_list("region_id", flat=True))
        if not regions:
            return self.none()
        return self.exclude(status=Status.DRAFT).filter(region_id__in=regions)

    def of_member(self, user):
        return self.filter(members__user=user, members__status=MemberStatus.ACTIVE)

    def matching(self, text: str):
        """Every typed word starts a word of the profile, accents and case aside ("cyber secu" finds
        "Cybersécurité" as "cybersecurite": each word is a prefix)."""
        from .text import words_of

        words = words_of(text)[:6]
        if not words:
            return self
        # Read first, then looked up by primary key: planners misjudge the size of a match of several words
        # (PostgreSQL then scans every structure to join it). Words too common to narrow anything are checked on
        # each structure's own text in the order of the names instead, which stops as soon as the page is full
        # (a few microseconds a structure, where a probe of the search words' index cost tens).
        ids = _matched_ids(words)
        if len(ids) < MAX_MATCHED_IDS:
            return self.filter(id__in=ids)
        found = self
        for word in words:
            found = found.filter(Q(search_text__startswith=word) | Q(search_text__contains=f" {word}"))
        return found


def _matched_ids(words: list[str]) -> list[int]:
    """Up to MAX_MATCHED_IDS structures whose text has a word starting with each of `words`."""
    # Looked up in the app registry: models.py imports this module.
    SearchWord = apps.get_model("francenum", "SearchWord")

    if connection.vendor == "sqlite":
        # The full-text index (migration 0006) merges the lists of the words, 5 to 10 times faster than the search
        # words' index; it covers every status, which the caller filters.
        query = " ".join(f'"{word}"*' for word in words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s", [query, MAX_MATCHED_IDS]
            )
            return [row[0] for row in cursor.fetchall()]
    matches = None
    for word in words:
        found = SearchWord.objects.filter(word__startswith=word)
        if matches is not None:
            # A semi-join on the previous words' structures: half the time of an INTERSECT of the two lists.
            found = found.filter(activator_id__in=matches)
        matches = found.values("activator_id")
    return list(matches.values_list("activator_id", flat=True)[:MAX_MATCHED_IDS])


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MemberStatus.ACTIVE)


class ContactRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ContactStatus.PENDING)

    def due_for_reminder(self, now):
        return self.pending().filter(reminded_at__isnull=True, reminder_at__lte=now, due_at__gt=now)

    def newly_breached(self, now):
        return self.pending().filter(breached_at__isnull=True, due_at__lte=now)

    def breached(self):
        return self.filter(Q(breached_at__isnull=False) | Q(acknowledged_at__gt=models.F("due_at")))

    def rates(self):
        """Received, acknowledged, acknowledged on time."""
        return self.aggregate(
            received=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            on_time=Count("pk", filter=Q(acknowledged_at__isnull=False, acknowledged_at__lte=models.F("due_at"))),
        )
