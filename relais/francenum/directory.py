"""The public directory "Trouver un activateur" (seed 002, issue point 6): filters, free text, and the search by
commune or postal code, nearest first.

A place search reads the candidates' coordinates in a box around the commune (indexed on status and latitude),
keeps those that serve the place (their area codes), measures the exact distance and sorts; a page of profiles is
then read by id. When the box holds too few, the whole country is read the same way. Queries: the commune, the
candidates (one or two reads), the page, its offers — whatever the number of structures.
"""

import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q

from relais.territories.geometry import haversine_km
from relais.territories.models import Commune, Department, Region

from .enums import Category, Domain, Kind, Status
from .models import Activator, Offer

PAGE_SIZE = 20
# The boxes tried around the place, then the whole country (a structure outside a box is farther than any inside).
BOXES_KM = (30, 120)
KM_PER_DEGREE = 111.2
# A search reads at most this many ids, in one query (no separate count): beyond, the person is asked to narrow it.
MAX_RESULTS = 100


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
    truncated: bool = False


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


def territory_ids() -> tuple[dict, dict]:
    """Codes → ids of départements and régions, read at most once an hour per process: the filters then use the
    indexes on (status, region, name) without a join."""

    def read():
        return (
            dict(Department.objects.values_list("insee_code", "pk")),
            dict(Region.objects.values_list("insee_code", "pk")),
        )

    return cache.get_or_set("francenum:directory:territory-ids", read, 60 * 60)


def filtered(filters: Filters):
    queryset = Activator.objects.filter(status=Status.VALIDATED)
    departments, regions = territory_ids() if filters.department or filters.region else ({}, {})
    if filters.department:
        queryset = queryset.filter(department_id=departments.get(filters.department, 0))
    if filters.region:
        queryset = queryset.filter(region_id=regions.get(filters.region, 0))
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
        # A probe per structure of the index on (activator, domain, kind), in the order of the names: the first
        # page needs no more than its rows.
        queryset = queryset.filter(Exists(offers.filter(activator=OuterRef("pk"))))
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
    """(distance, id) of the structures serving `commune` in a box of `box_km` around it (None: everywhere)."""
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
        for box_km in (*BOXES_KM, None):
            ranked = _nearest(queryset, commune, box_km=box_km)
            # Within the box's radius, every structure nearer than the last of the page is there.
            if box_km is None or (len(ranked) >= needed and ranked[needed - 1][0] <= box_km):
                break
        page = Paginator(ranked, PAGE_SIZE).get_page(filters.page)
        by_id = _card_queryset().in_bulk([pk for _distance, pk in page.object_list])
        results = [
            Result(activator=by_id[pk], distance_km=None if math.isinf(distance) else distance)
            for distance, pk in page.object_list
            if pk in by_id
        ]
        return Results(page=page, results=results, commune=commune, count=len(ranked))
    found = list(queryset.order_by("name", "pk").values_list("pk", flat=True)[:MAX_RESULTS])
    page = Paginator(found, PAGE_SIZE).get_page(filters.page)
    ids = list(page.object_list)
    by_id = _card_queryset().in_bulk(ids)
    results = [Result(activator=by_id[pk]) for pk in ids]
    return Results(page=page, results=results, count=len(found), truncated=len(found) >= MAX_RESULTS)
