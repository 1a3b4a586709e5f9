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


def rows() -> list[dict]:
    kinds, categories = dict(Kind.choices), dict(Category.choices)
    published = Activator.objects.filter(status=Status.VALIDATED).order_by("name", "pk")
    return [
        {
            "identifiant": str(public_id),
            "nom": name,
            "type": kinds.get(kind, ""),
            "categorie": categories.get(category, ""),
            "adresse": address,
            "code_postal": postal_code,
            "ville": city,
            "region": region or "",
            "fiche": settings.SITE_URL + reverse("activateurs:profile", args=[slug]),
        }
        for public_id, name, kind, category, address, postal_code, city, region, slug in published.values_list(
            "public_id", "name", "kind", "category", "address", "postal_code", "city", "region__name", "slug"
        )
    ]


def build_csv(data: list[dict]) -> bytes:
    lines = csv_lines([label for _key, label in COLUMNS], ([row[key] for key, _label in COLUMNS] for row in data))
    return "".join(lines).encode("utf-8")


def build_json(data: list[dict]) -> bytes:
    return json.dumps({"colonnes": dict(COLUMNS), "activateurs": data}, ensure_ascii=False).encode("utf-8")


def open_data(fmt: str) -> bytes:
    key = OPEN_DATA_CACHE_KEYS[0] if fmt == "csv" else OPEN_DATA_CACHE_KEYS[1]
    content = cache.get(key)
    if content is None:
        data = rows()
        content = build_csv(data) if fmt == "csv" else build_json(data)
        cache.set(key, content, CACHE_SECONDS)
    return content
