"""What a landing offers: the themes and subjects a company may file on, for the public pages and the API alike.

A landing opens on the whole service or one theme (its `themes`, none meaning all, with their open subjects and
the off-theme "other need"), or on a list of subjects or one form (its `subjects`, and nothing else).
"""

from django.db.models import Count, Q, QuerySet

from ..enums import LandingIntegration
from ..models import Landing, Subject, Theme

LISTED_MODES = (LandingIntegration.SUBJECTS, LandingIntegration.FORM)


def offered_themes(landing: Landing) -> QuerySet[Theme]:
    """The landing's open themes that have at least one open subject, annotated with `subject_count`."""
    themes = landing.themes.all() if landing.themes.exists() else Theme.objects.all()
    open_subjects = Q(subjects__is_archived=False, subjects__is_other_need=False)
    return (
        themes.filter(is_archived=False)
        .annotate(subject_count=Count("subjects", filter=open_subjects))
        .filter(subject_count__gt=0)
        .order_by("position", "label")
    )


def offered_subjects(landing: Landing) -> QuerySet[Subject]:
    """Every subject a company may file on from this landing, in the order of the pages."""
    open_subjects = Subject.objects.filter(is_archived=False)
    if landing.integration in LISTED_MODES:
        subjects = open_subjects.filter(pk__in=landing.subjects.values("pk"), theme__is_archived=False)
    else:
        subjects = open_subjects.filter(
            Q(is_other_need=True) | Q(theme__in=offered_themes(landing).values("pk"), is_other_need=False)
        )
    return subjects.order_by("is_other_need", "theme__position", "position", "label")


def allows_other_need(landing: Landing) -> bool:
    return landing.integration not in LISTED_MODES
