"""The public directory "Trouver un activateur" (seed 002, issue point 6): filters, free text, and the search by
commune or postal code, nearest first.

A place search reads the candidates' coordinates in a box around the commune (indexed on status and latitude),
keeps those that serve the place (their area codes), measures the exact distance and sorts; a page of profiles is
then read by id. When the box holds too few, the whole country is read the same way. Queries: the commune, the
candidates (one or two reads), the page, its offers — whatever the number of structures.
"""

import math
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q

from relais.territories.geometry import haversine_km
from relais.territories.models import Commune

from .enums import Category, Domain, Kind, Status
from .models import Activator, Offer

PAGE_SIZE = 20
BOX_KM = 60
KM_PER_DEGREE = 111.2


@dataclass
class Filters:
    place: str = ""
    department: str = ""
    region: str = ""
    domain: str = ""
    service_kind: str = ""
    kind: str = ""
    category: str = ""
    text: str = ""
    page: int = 1


DOMAIN_LABELS = dict(Domain.choices)
KIND_LABELS = dict(Kind.choices)
CATEGORY_LABELS = dict(Category.choices)


@dataclass
class Result:
    """A result card, its labels computed here rather than in the template (20 cards per page)."""

    activator: Activator
    distance_km: float | None = None

    @property
    def domains(self) -> list[str]:
        return list(dict.fromkeys(DOMAIN_LABELS[offer.domain] for offer in self.activator.offers.all()))

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.activator.kind, "")

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.activator.category, "")


@dataclass
class Results:
    page: object
    results: list[Result] = field(default_factory=list)
    commune: Commune | None = None
    count: int = 0
    place_not_found: bool = False


def find_commune(text: str) -> Commune | None:
    """A postal code (the most populated commune it serves), an INSEE code, or a commune's name."""
    text = text.strip()
    if not text:
        return None
    communes = Commune.objects.select_related("department", "region").exclude(latitude__isnull=True)
    if text.isdigit() and len(text) == 5:
        found = communes.filter(postal_code_links__code=text).by_population().first()
        return found or communes.filter(insee_code=text).first()
    name = text.split("(")[0].strip()
    return communes.matching(name).by_population().first()


def _card_queryset():
    return Activator.objects.only(
        "slug", "name", "description", "kind", "category", "postal_code", "city", "status"
    ).prefetch_related(Prefetch("offers", queryset=Offer.objects.only("activator_id", "domain").order_by("domain")))


def filtered(filters: Filters):
    queryset = Activator.objects.filter(status=Status.VALIDATED)
    if filters.department:
        queryset = queryset.filter(department__insee_code=filters.department)
    if filters.region:
        queryset = queryset.filter(region__insee_code=filters.region)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.domain or filters.service_kind:
        offers = Offer.objects.all()
        if filters.domain:
            offers = offers.filter(domain=filters.domain)
        if filters.service_kind:
            offers = offers.filter(service_kind=filters.service_kind)
        queryset = queryset.filter(id__in=offers.values("activator_id"))
    if filters.text:
        queryset = queryset.matching(filters.text)
    return queryset


def serving(commune: Commune) -> Q:
    codes = [
        "FR",
        "DIST",
        f"R{commune.region.insee_code}",
        f"D{commune.department.insee_code}",
        f"C{commune.insee_code}",
    ]
    condition = Q()
    for code in codes:
        condition |= Q(area_codes__contains=f" {code} ")
    return condition


def _nearest(queryset, commune: Commune, *, box_km: float | None) -> list[tuple[float, int]]:
    candidates = queryset.filter(serving(commune))
    if box_km is not None:
        lat_span = box_km / KM_PER_DEGREE
        lon_span = box_km / (KM_PER_DEGREE * max(0.1, math.cos(math.radians(commune.latitude))))
        candidates = candidates.filter(
            latitude__range=(commune.latitude - lat_span, commune.latitude + lat_span),
            longitude__range=(commune.longitude - lon_span, commune.longitude + lon_span),
        )
    found = []
    for pk, latitude, longitude in candidates.values_list("pk", "latitude", "longitude"):
        if latitude is None:
            # A remote or foreign structure without coordinates: after every located one.
            found.append((math.inf, pk))
        else:
            found.append((haversine_km(commune.latitude, commune.longitude, latitude, longitude), pk))
    found.sort()
    return found


def search(filters: Filters) -> Results:
    queryset = filtered(filters)
    if filters.place:
        commune = find_commune(filters.place)
        if commune is None:
            return Results(page=Paginator([], PAGE_SIZE).get_page(1), place_not_found=True)
        needed = filters.page * PAGE_SIZE
        ranked = _nearest(queryset, commune, box_km=BOX_KM)
        # Beyond the box, a structure is farther than any inside it: the box suffices when it fills the page.
        if len(ranked) < needed or (ranked and ranked[min(needed, len(ranked)) - 1][0] > BOX_KM):
            ranked = _nearest(queryset, commune, box_km=None)
        page = Paginator(ranked, PAGE_SIZE).get_page(filters.page)
        by_id = _card_queryset().in_bulk([pk for _distance, pk in page.object_list])
        results = [
            Result(activator=by_id[pk], distance_km=None if math.isinf(distance) else distance)
            for distance, pk in page.object_list
            if pk in by_id
        ]
        return Results(page=page, results=results, commune=commune, count=len(ranked))
    ordered = queryset.order_by("name", "pk")
    page = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE).get_page(filters.page)
    ids = list(page.object_list)
    by_id = _card_queryset().in_bulk(ids)
    return Results(page=page, results=[Result(activator=by_id[pk]) for pk in ids], count=page.paginator.count)
