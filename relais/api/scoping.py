"""What a partner's key may see of Conseillers-Entreprises: the landings of its institution, and the requests filed
on them. Anything else answers 404, as if it did not exist."""

from django.db.models import Prefetch, QuerySet

from relais.conseillers_entreprises.enums import SolicitationStatus
from relais.conseillers_entreprises.models import (
    InstitutionSubject,
    Landing,
    Match,
    Need,
    Solicitation,
    Subject,
    Theme,
)

from .models import ApiKey


def partner_landings(key: ApiKey) -> QuerySet[Landing]:
    institution_id = key.partner.institution_id
    if institution_id is None:
        return Landing.objects.none()
    return Landing.objects.filter(institution_id=institution_id, is_active=True).order_by("slug")


def with_offer(landings: QuerySet[Landing]) -> QuerySet[Landing]:
    """Landings with the slugs of their themes and subjects, for their representation."""
    return landings.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("pk", "slug")),
        Prefetch("subjects", queryset=Subject.objects.only("pk", "slug")),
    )


def subjects_with_details(subjects: QuerySet[Subject]) -> QuerySet[Subject]:
    """Subjects with what the API shows of them, in a constant number of queries."""
    offers = InstitutionSubject.objects.filter(institution__is_active=True).select_related("institution")
    return subjects.select_related("theme").prefetch_related(
        "questions", Prefetch("institution_subjects", queryset=offers.order_by("institution__name"))
    )


def solicitations_with_needs() -> QuerySet[Solicitation]:
    """Filed requests with their needs and the institutions positioned, in a constant number of queries."""
    matches = Match.objects.select_related("expert__antenne__institution").order_by("pk")
    needs = Need.objects.select_related("subject").prefetch_related(Prefetch("matches", queryset=matches))
    return (
        Solicitation.objects.exclude(status=SolicitationStatus.DRAFT)
        .select_related("landing", "subject", "diagnosis")
        .prefetch_related(Prefetch("diagnosis__needs", queryset=needs.order_by("pk")))
    )


def partner_solicitations(key: ApiKey) -> QuerySet[Solicitation]:
    institution_id = key.partner.institution_id
    if institution_id is None:
        return Solicitation.objects.none()
    return solicitations_with_needs().filter(landing__institution_id=institution_id)
