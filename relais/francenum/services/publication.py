"""What follows any change of a structure: its search text and area codes, and the open-data files."""

from django.core.cache import cache
from django.db import transaction
from django.utils.text import slugify

from ..enums import Domain, Kind, ServiceKind
from ..models import Activator
from ..text import normalize

# The files, their rows, and the number of published structures (the API's open-data list).
OPEN_DATA_CACHE_KEYS = (
    "francenum:open-data:csv",
    "francenum:open-data:json",
    "francenum:open-data:rows",
    "francenum:open-data:count",
)


def unique_slug(name: str) -> str:
    """The profile's address, chosen once at creation and never changed (a renamed structure keeps its links)."""
    base = slugify(name)[:100] or "activateur"
    slug, suffix = base, 2
    while Activator.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def area_codes(activator: Activator) -> str:
    codes = []
    if activator.serves_france:
        codes.append("FR")
    if activator.serves_remote:
        codes.append("DIST")
    codes += [f"R{code}" for code in activator.served_regions.values_list("insee_code", flat=True)]
    codes += [f"D{code}" for code in activator.served_departments.values_list("insee_code", flat=True)]
    codes += [f"C{code}" for code in activator.served_communes.values_list("insee_code", flat=True)]
    if activator.commune_id:
        codes.append(f"C{activator.commune.insee_code}")
    return f" {' '.join(dict.fromkeys(codes))} " if codes else ""


def profile_text(activator: Activator, offers: list | None = None) -> str:
    """The normalised text of a profile; `offers` when the caller has them already (bulk generation)."""
    offers = list(activator.offers.all()) if offers is None else offers
    parts = [
        activator.name,
        activator.city,
        activator.postal_code,
        Kind(activator.kind).label if activator.kind else "",
        activator.description,
        activator.networks,
        activator.certifications,
        " ".join(Domain(offer.domain).label for offer in offers),
        " ".join(ServiceKind(offer.service_kind).label for offer in offers),
        activator.department.name if activator.department_id else "",
        activator.region.name if activator.region_id else "",
    ]
    return normalize(" ".join(part for part in parts if part))


def refresh_index(*, activator: Activator) -> None:
    """Write the derived columns. The database indexes the text (SQLite: full-text index kept by triggers, migration
    0006; PostgreSQL: generated column of the words' prefixes, migration 0007); the directory keeps the published."""
    text = profile_text(activator)
    codes = area_codes(activator)
    Activator.objects.filter(pk=activator.pk).update(search_text=text, area_codes=codes)
    activator.search_text, activator.area_codes = text, codes


def forget_open_data() -> None:
    transaction.on_commit(lambda: cache.delete_many(OPEN_DATA_CACHE_KEYS))


def after_change(*, activator: Activator) -> None:
    refresh_index(activator=activator)
    forget_open_data()
