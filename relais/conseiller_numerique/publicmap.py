"""The public map of the advisors in post: places, what may be published of each advisor, and the SVG of France.

The map is drawn offline: each département is the convex hull of its communes' centres (territories referential),
projected once and cached; no tile server, nothing fetched by the browser."""

import math
from dataclasses import dataclass

from django.core.cache import cache

from relais.territories.geometry import haversine_km
from relais.territories.models import Commune

from .enums import MatchStatus
from .models import ActivityPlace, RecruitmentMatch

SVG_WIDTH, SVG_HEIGHT = 600, 620
# Metropolitan France with Corsica.
WEST, EAST, SOUTH, NORTH = -5.3, 9.7, 41.2, 51.2
COS_LAT = math.cos(math.radians(46.5))
CACHE_KEY = "conseiller_numerique:map-outline:v1"


def project(latitude: float, longitude: float) -> tuple[float, float] | None:
    if not (SOUTH <= latitude <= NORTH and WEST <= longitude <= EAST):
        return None
    scale = min(SVG_WIDTH / ((EAST - WEST) * COS_LAT), SVG_HEIGHT / (NORTH - SOUTH))
    return round((longitude - WEST) * COS_LAT * scale, 1), round((NORTH - latitude) * scale, 1)


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    points = sorted(set(points))
    if len(points) < 3:
        return points

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for point in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], point) <= 0:
            lower.pop()
        lower.append(point)
    for point in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], point) <= 0:
            upper.pop()
        upper.append(point)
    return lower[:-1] + upper[:-1]


def department_outlines() -> list[dict]:
    """[{code, name, path}] of the metropolitan départements, computed once from the referential."""
    outlines = cache.get(CACHE_KEY)
    if outlines is not None:
        return outlines
    by_department: dict[tuple[str, str], list[tuple[float, float]]] = {}
    rows = Commune.objects.filter(latitude__isnull=False, parent__isnull=True).values_list(
        "department__insee_code", "department__name", "latitude", "longitude"
    )
    for code, name, latitude, longitude in rows.iterator(chunk_size=5000):
        point = project(latitude, longitude)
        if point is not None:
            by_department.setdefault((code, name), []).append(point)
    outlines = []
    for (code, name), points in sorted(by_department.items()):
        hull = _hull(points)
        if len(hull) >= 3:
            path = "M" + " L".join(f"{x},{y}" for x, y in hull) + " Z"
            outlines.append({"code": code, "name": name, "path": path})
    cache.set(CACHE_KEY, outlines, 24 * 3600)
    return outlines


@dataclass
class PublishedPlace:
    place: ActivityPlace
    advisors: list  # the names and professional contacts that may be published
    distance: float | None = None

    @property
    def point(self):
        return project(self.place.commune.latitude, self.place.commune.longitude)


def published_places(*, near: Commune | None = None) -> list[PublishedPlace]:
    """Places of advisors in post; an advisor who objected appears nowhere by name (the place stays)."""
    in_post = RecruitmentMatch.objects.filter(status=MatchStatus.RECRUITED).values("candidate_id")
    places = (
        ActivityPlace.objects.filter(advisor_id__in=in_post)
        .select_related("commune", "advisor")
        .order_by("commune__name", "name")
    )
    result = []
    for place in places:
        advisor = place.advisor
        advisors = [] if advisor.opposes_publication else [advisor]
        distance = None
        if near is not None and near.latitude is not None:
            distance = haversine_km(near.latitude, near.longitude, place.commune.latitude, place.commune.longitude)
        result.append(PublishedPlace(place=place, advisors=advisors, distance=distance))
    if near is not None:
        result.sort(key=lambda item: item.distance if item.distance is not None else math.inf)
    return result


def feature(item: PublishedPlace) -> dict:
    place = item.place
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [place.commune.longitude, place.commune.latitude]},
        "properties": {
            "lieu": place.name,
            "adresse": place.address,
            "commune": place.commune.name,
            "code_insee": place.commune.insee_code,
            "acces": place.get_access_display(),
            "horaires": place.opening_hours,
            "site_internet": place.website,
            "conseillers": [
                {
                    "nom": advisor.full_name,
                    "courriel": advisor.professional_email,
                    "telephone": advisor.professional_phone,
                }
                for advisor in item.advisors
            ],
        },
    }
