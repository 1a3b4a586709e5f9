"""Reads of the France Num app: who sees which structure, the reviewers' queue, contacts' deadlines."""

from django.db import connection, models
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL

from .enums import IN_REVIEW, ContactStatus, MemberStatus, Status

REVIEW_PERMISSION = "francenum.review_activator"
# SQLite: above this many structures matching the words, free-text search checks each structure's text instead.
MAX_MATCHED_IDS = 5000
# SQLite's full-text index of Activator.search_text (migration 0006).
FTS_TABLE = "francenum_activator_fts"
# PostgreSQL's column of the prefixes of the words of Activator.search_text, indexed by GIN (migration 0007).
PREFIXES_COLUMN = "search_prefixes"


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
        if connection.vendor == "postgresql":
            # Each typed word is one of the prefixes indexed by GIN (migration 0007): one condition, which the
            # planner reads from the index when it is selective, or checks on each structure in the order of the
            # names when it is common (the first page then needs few rows). Words are [0-9a-z]+ once normalised.
            query = " & ".join(f"'{word}'" for word in words)
            return self.filter(RawSQL(f'"{PREFIXES_COLUMN}" @@ %s::tsquery', [query], output_field=BooleanField()))
        # SQLite: read first, then looked up by primary key (its planner misjudges the size of a match of several
        # words). Words too common to narrow anything are checked on each structure's own text in the order of the
        # names instead, which stops as soon as the page is full.
        ids = _fts_ids(words)
        if len(ids) < MAX_MATCHED_IDS:
            return self.filter(id__in=ids)
        found = self
        for word in words:
            found = found.filter(Q(search_text__startswith=word) | Q(search_text__contains=f" {word}"))
        return found


def _fts_ids(words: list[str]) -> list[int]:
    """SQLite: up to MAX_MATCHED_IDS structures whose text has a word starting with each of `words`, read in the
    full-text index (migration 0006), which covers every status (the caller filters)."""
    query = " ".join(f'"{word}"*' for word in words)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s", [query, MAX_MATCHED_IDS])
        return [row[0] for row in cursor.fetchall()]


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
