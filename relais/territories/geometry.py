"""Centres and distances from WKB geometries, in pure Python (no GEOS/GDAL on the servers)."""

import math
import struct
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG), the usual choice for haversine distances

_WKB_POINT, _WKB_POLYGON, _WKB_MULTIPOLYGON = 1, 3, 6
_EWKB_SRID_FLAG = 0x20000000
_EWKB_FLAGS = 0xE0000000  # SRID, M and Z flags

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Centre:
    longitude: float
    latitude: float
    area: float  # planar, in square degrees: only used to weight centres against each other


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.offset = 0

    def header(self) -> tuple[str, int]:
        order = "<" if self.data[self.offset] == 1 else ">"
        (kind,) = struct.unpack_from(order + "I", self.data, self.offset + 1)
        self.offset += 5
        if kind & _EWKB_SRID_FLAG:
            self.offset += 4
        if kind & 0xC0000000 or (kind & ~_EWKB_FLAGS) >= 1000:
            raise ValueError("Only 2D geometries are supported.")
        return order, kind & ~_EWKB_FLAGS

    def count(self, order: str) -> int:
        (value,) = struct.unpack_from(order + "I", self.data, self.offset)
        self.offset += 4
        return value

    def ring(self, order: str) -> Ring:
        size = self.count(order)
        values = struct.unpack_from(f"{order}{2 * size}d", self.data, self.offset)
        self.offset += 16 * size
        return list(zip(values[0::2], values[1::2], strict=True))


def parse_polygons(wkb: bytes) -> list[list[Ring]]:
    """Polygons (each a list of rings, outer ring first) of a (E)WKB Polygon or MultiPolygon."""
    reader = _Reader(wkb)
    order, kind = reader.header()
    if kind == _WKB_POLYGON:
        return [[reader.ring(order) for _ in range(reader.count(order))]]
    if kind != _WKB_MULTIPOLYGON:
        raise ValueError(f"Unexpected WKB geometry type {kind}.")
    polygons = []
    for _ in range(reader.count(order)):
        order, _kind = reader.header()
        polygons.append([reader.ring(order) for _ in range(reader.count(order))])
    return polygons


def parse_point(wkb: bytes) -> tuple[float, float]:
    """(longitude, latitude) of a (E)WKB Point."""
    reader = _Reader(wkb)
    order, kind = reader.header()
    if kind != _WKB_POINT:
        raise ValueError(f"Unexpected WKB geometry type {kind}.")
    return struct.unpack_from(order + "2d", reader.data, reader.offset)


def ring_centre(ring: Ring) -> Centre | None:
    """Centroid of a closed ring (shoelace formula); None when it encloses no area."""
    twice_area = sum_x = sum_y = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        sum_x += (x0 + x1) * cross
        sum_y += (y0 + y1) * cross
    if twice_area == 0:
        return None
    return Centre(longitude=sum_x / (3 * twice_area), latitude=sum_y / (3 * twice_area), area=abs(twice_area) / 2)


def weighted_centre(centres: Iterable[Centre]) -> Centre | None:
    centres = [centre for centre in centres if centre.area > 0]
    total = sum(centre.area for centre in centres)
    if not total:
        return None
    return Centre(
        longitude=sum(centre.longitude * centre.area for centre in centres) / total,
        latitude=sum(centre.latitude * centre.area for centre in centres) / total,
        area=total,
    )


def contains(ring: Ring, longitude: float, latitude: float) -> bool:
    """Even-odd ray casting: is the point inside the ring?"""
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > latitude) != (y1 > latitude) and longitude < x0 + (latitude - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def polygons_centre(polygons: list[list[Ring]]) -> Centre | None:
    """Area-weighted centroid of the outer rings; the largest polygon's own centroid when that point falls
    outside it (a commune made of a mainland and far islands would otherwise get a centre at sea)."""
    outer_centres = [(ring_centre(rings[0]), rings[0]) for rings in polygons if rings]
    outer_centres = [(centre, ring) for centre, ring in outer_centres if centre]
    if not outer_centres:
        return None
    overall = weighted_centre(centre for centre, _ring in outer_centres)
    largest, largest_ring = max(outer_centres, key=lambda pair: pair[0].area)
    if len(outer_centres) == 1 or contains(largest_ring, overall.longitude, overall.latitude):
        return overall
    return Centre(longitude=largest.longitude, latitude=largest.latitude, area=overall.area)


def haversine_km(latitude_a: float, longitude_a: float, latitude_b: float, longitude_b: float) -> float:
    phi_a, phi_b = math.radians(latitude_a), math.radians(latitude_b)
    half_chord = (
        math.sin((phi_b - phi_a) / 2) ** 2
        + math.cos(phi_a) * math.cos(phi_b) * math.sin(math.radians(longitude_b - longitude_a) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half_chord)))
