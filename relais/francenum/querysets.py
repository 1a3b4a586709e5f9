"""Reads of the France Num app: who sees which structure, the reviewers' queue, contacts' deadlines."""

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q

from .enums import IN_REVIEW, ContactStatus, MemberStatus, Status

REVIEW_PERMISSION = "francenum.review_activator"
# Above this many structures matching the words, free-text search filters by subquery rather than by a list of ids.
MAX_MATCHED_IDS = 5000


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
        from .models import SearchWord
        from .text import words_of

        matches, probes = None, []
        for word in words_of(text)[:6]:
            words = SearchWord.objects.filter(word__startswith=word)
            if connection.vendor == "sqlite":
                # SQLite's LIKE ignores case and so cannot use the index: the binary range of the prefix can (words
                # are lowercase letters and digits, all below "~"). PostgreSQL's LIKE uses the pattern index.
                words = words.filter(word__gte=word, word__lt=word + "~")
            probes.append(Exists(SearchWord.objects.filter(activator=OuterRef("pk"), word__startswith=word)))
            words = words.values("activator_id")
            # One list of ids, intersected in the database: the structures are then read for those ids only.
            matches = words if matches is None else matches.intersection(words)
        if matches is None:
            return self
        # Read first, then looked up by primary key: planners misjudge the size of an intersection (PostgreSQL then
        # scans every structure to join it). Words too common to narrow anything are checked structure by structure
        # in the order of the names instead, which stops as soon as the page is full.
        ids = list(matches.values_list("activator_id", flat=True)[:MAX_MATCHED_IDS])
        return self.filter(id__in=ids) if len(ids) < MAX_MATCHED_IDS else self.filter(*probes)


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
