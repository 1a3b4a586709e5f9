"""Read access to the territories referential for the other apps."""

from .geometry import haversine_km
from .models import Commune

AUTOCOMPLETE_MAX_RESULTS = 20

Place = Commune | tuple[float, float]


def get_commune(insee_code: str) -> Commune | None:
    return (
        Commune.objects.select_related("department", "region", "epci", "parent")
        .filter(insee_code=insee_code.strip().upper())
        .first()
    )


def communes_for_postal_code(code: str) -> list[Commune]:
    """Communes served by a postal code, the commune before its arrondissements (69001: Lyon, then Lyon 1er)."""
    return list(Commune.objects.for_postal_code(code).select_related("department").by_population())


def autocomplete_communes(text: str, limit: int = 10) -> list[Commune]:
    """Communes whose name starts with the text whatever the accents, case, hyphens or apostrophes ("sete" finds
    Sète), or whose postal code starts with it; the most populated first."""
    limit = max(1, min(limit, AUTOCOMPLETE_MAX_RESULTS))
    return list(Commune.objects.matching(text).select_related("department").with_postal_codes().by_population()[:limit])


def _coordinates(place: Place) -> tuple[float, float]:
    if isinstance(place, Commune):
        if place.latitude is None or place.longitude is None:
            raise ValueError(f"La commune {place} n'a pas de centre connu.")
        return place.latitude, place.longitude
    latitude, longitude = place
    return latitude, longitude


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two communes' centres or (latitude, longitude) pairs."""
    return haversine_km(*_coordinates(a), *_coordinates(b))
