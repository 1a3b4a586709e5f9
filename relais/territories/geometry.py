"""Centres, distances and outlines from WKB geometries, in pure Python (no GEOS/GDAL on the servers)."""

import math
import struct
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG), the usual choice for haversine distances
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # along a meridian
# Latitude/longitude boxes around a radius are widened (or narrowed) by this much (degrees), so that float rounding
# never moves a point across a box's edge.
BOX_MARGIN = 1e-6

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


# Outlines. The parts of a département (its circonscriptions, see sources.py) share their borders vertex for
# vertex, and so do neighbouring départements: dissolving and simplifying work on exact vertices, no tolerance.

Point = tuple[float, float]


def signed_area(ring: Ring) -> float:
    """Planar area of a closed ring, positive when it turns counterclockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _closed_without_repeats(ring: Ring) -> Ring:
    points = [point for index, point in enumerate(ring) if index == 0 or point != ring[index - 1]]
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points


def _clockwise_turn(previous: Point, at: Point, following: Point) -> float:
    """Angle swept clockwise from the way back (towards `previous`) to the way on (towards `following`)."""
    back = math.atan2(previous[1] - at[1], previous[0] - at[0])
    on = math.atan2(following[1] - at[1], following[0] - at[0])
    return (back - on) % (2 * math.pi) or 2 * math.pi


def dissolve(polygons: Iterable[list[Ring]]) -> list[Ring]:
    """Closed rings of the union of parts (polygons, outer ring first) that share their borders vertex for vertex.

    Each part is oriented with its inside on the left; an edge met twice (once from each side) lies inside the
    union and cancels out. The edges left are chained into rings: outer rings counterclockwise, holes clockwise.
    Where the outline touches itself at a vertex, the sharpest left turn is taken, so that each ring stays simple.
    """
    remaining: dict[tuple[Point, Point], tuple[Point, Point]] = {}
    for rings in polygons:
        for index, ring in enumerate(rings):
            ring = _closed_without_repeats(ring)
            if len(ring) < 4:
                continue
            if (signed_area(ring) > 0) != (index == 0):
                ring.reverse()
            for edge in zip(ring, ring[1:], strict=False):
                key = edge if edge[0] < edge[1] else (edge[1], edge[0])
                if remaining.pop(key, None) is None:
                    remaining[key] = edge
    outgoing: dict[Point, list[Point]] = defaultdict(list)
    for start, end in remaining.values():
        outgoing[start].append(end)
    used: set[tuple[Point, Point]] = set()
    outline = []
    for start, end in sorted(remaining.values()):
        if (start, end) in used:
            continue
        used.add((start, end))
        ring = [start, end]
        while ring[-1] != ring[0]:
            at = ring[-1]
            choices = [point for point in outgoing[at] if (at, point) not in used]
            if not choices:
                break
            following = min(choices, key=lambda point: _clockwise_turn(ring[-2], at, point))
            used.add((at, following))
            ring.append(following)
        if ring[-1] == ring[0] and len(ring) >= 4:
            outline.append(ring)
    return outline


def simplify_line(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: the line's two ends and the points farther than `tolerance` (in degrees of latitude;
    longitudes are shrunk by the cosine of the latitude) from the simplified line."""
    if len(points) < 3:
        return list(points)
    shrink = math.cos(math.radians(sum(latitude for _longitude, latitude in points) / len(points)))
    xy = [(longitude * shrink, latitude) for longitude, latitude in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = xy[first], xy[last]
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = xy[index]
            gap = abs(dx * (y0 - y) - dy * (x0 - x)) / length if length else math.hypot(x - x0, y - y0)
            if gap > distance:
                farthest, distance = index, gap
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _simplify_arc(arc: tuple[Point, ...], tolerance: float) -> list[Point]:
    if arc[0] != arc[-1]:
        return simplify_line(list(arc), tolerance)
    # A loop: cut at its farthest point from the start, else Douglas–Peucker has no line to measure against.
    start = arc[0]
    middle = max(range(len(arc)), key=lambda index: (arc[index][0] - start[0]) ** 2 + (arc[index][1] - start[1]) ** 2)
    return simplify_line(list(arc[: middle + 1]), tolerance) + simplify_line(list(arc[middle:]), tolerance)[1:]


def simplify_shared(outlines: dict[str, list[Ring]], tolerance: float) -> dict[str, list[Ring]]:
    """Simplify the rings of neighbouring shapes so that they still meet: each border between two shapes (an
    arc between two nodes, points where the set of shapes on the edges changes or where edges meet) is simplified
    once and given to both. A ring that shrinks to less than a triangle, or turns over, is dropped."""
    owners: dict[tuple[Point, Point], set[str]] = defaultdict(set)
    for code, rings in outlines.items():
        for ring in rings:
            for edge in zip(ring, ring[1:], strict=False):
                owners[edge if edge[0] < edge[1] else (edge[1], edge[0])].add(code)
    incident: dict[Point, list[frozenset[str]]] = defaultdict(list)
    for (start, end), codes in owners.items():
        frozen = frozenset(codes)
        incident[start].append(frozen)
        incident[end].append(frozen)
    nodes = {point for point, sides in incident.items() if len(sides) != 2 or sides[0] != sides[1]}

    simplified_arcs: dict[tuple[Point, ...], list[Point]] = {}

    def simplified(arc: tuple[Point, ...]) -> list[Point]:
        backwards = arc[::-1]
        key = min(arc, backwards)
        if key not in simplified_arcs:
            simplified_arcs[key] = _simplify_arc(key, tolerance)
        result = simplified_arcs[key]
        return result if key == arc else result[::-1]

    result = {}
    for code, rings in outlines.items():
        kept = []
        for ring in rings:
            points = ring[:-1]
            cuts = [index for index, point in enumerate(points) if point in nodes]
            if cuts:
                points = points[cuts[0] :] + points[: cuts[0]] + [points[cuts[0]]]
                cuts = [index - cuts[0] for index in cuts] + [len(points) - 1]
            else:
                # A ring alone (an island, an enclave): one loop, started at its lowest point for both sides.
                lowest = points.index(min(points))
                points = points[lowest:] + points[:lowest] + [points[lowest]]
                cuts = [0, len(points) - 1]
            new_ring = [points[0]]
            for first, last in zip(cuts, cuts[1:], strict=False):
                new_ring += simplified(tuple(points[first : last + 1]))[1:]
            area = signed_area(new_ring)
            if len(set(new_ring)) >= 3 and area and (area > 0) == (signed_area(ring) > 0):
                kept.append(new_ring)
        result[code] = kept
    return result
