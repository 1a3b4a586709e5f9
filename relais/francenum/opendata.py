"""The open-data file of the published structures (seed 002 art. 7), in CSV and JSON: built once per change
(services.publication forgets it on every change) and served from the cache."""

import json

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from relais.core.spreadsheets import csv_lines

from .enums import Category, Kind, Status
from .models import Activator
from .services.publication import OPEN_DATA_CACHE_KEYS

COLUMNS = (
    ("identifiant", "Identifiant de la structure"),
    ("nom", "Nom"),
    ("type", "Type"),
    ("categorie", "Catégorie"),
    ("adresse", "Adresse"),
    ("code_postal", "Code postal"),
    ("ville", "Ville"),
    ("region", "Région"),
    ("fiche", "Lien vers la fiche"),
)
CACHE_SECONDS = 24 * 60 * 60


ROWS_CACHE_KEY = OPEN_DATA_CACHE_KEYS[2]


def row(activator: Activator) -> dict:
    """One structure's line (the activator's region selected)."""
    return {
        "identifiant": str(activator.public_id),
        "nom": activator.name,
        "type": Kind(activator.kind).label if activator.kind else "",
        "categorie": Category(activator.category).label if activator.category else "",
        "adresse": activator.address,
        "code_postal": activator.postal_code,
        "ville": activator.city,
        "region": activator.region.name if activator.region_id else "",
        "fiche": settings.SITE_URL + reverse("activateurs:profile", args=[activator.slug]),
    }


def cached_rows() -> list[dict]:
    found = cache.get(ROWS_CACHE_KEY)
    if found is None:
        found = rows()
        cache.set(ROWS_CACHE_KEY, found, CACHE_SECONDS)
    return found


def rows() -> list[dict]:
    published = Activator.objects.filter(status=Status.VALIDATED).select_related("region").order_by("name", "pk")
    return [row(activator) for activator in published.iterator(chunk_size=2000)]


def build_csv(data: list[dict]) -> bytes:
    lines = csv_lines([label for _key, label in COLUMNS], ([row[key] for key, _label in COLUMNS] for row in data))
    return "".join(lines).encode("utf-8")


def build_json(data: list[dict]) -> bytes:
    return json.dumps({"colonnes": dict(COLUMNS), "activateurs": data}, ensure_ascii=False).encode("utf-8")


def open_data(fmt: str) -> bytes:
    key = OPEN_DATA_CACHE_KEYS[0] if fmt == "csv" else OPEN_DATA_CACHE_KEYS[1]
    content = cache.get(key)
    if content is None:
        data = cached_rows()
        content = build_csv(data) if fmt == "csv" else build_json(data)
        cache.set(key, content, CACHE_SECONDS)
    return content
