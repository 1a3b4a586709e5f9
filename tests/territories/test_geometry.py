import struct

import pytest

from relais.territories.geometry import haversine_km, parse_point, parse_polygons, polygons_centre
from relais.territories.names import normalize_name, normalize_query


def ring_wkb(points):
    return struct.pack("<I", len(points)) + b"".join(struct.pack("<2d", *point) for point in points)


def multipolygon_wkb(*rings, srid=None):
    kind = 6 | (0x20000000 if srid else 0)
    header = struct.pack("<BI", 1, kind) + (struct.pack("<I", srid) if srid else b"")
    polygons = b"".join(struct.pack("<BII", 1, 3, 1) + ring_wkb(ring) for ring in rings)
    return header + struct.pack("<I", len(rings)) + polygons


def square(x, y, size):
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]


def test_centre_is_weighted_by_area():
    centre = polygons_centre(parse_polygons(multipolygon_wkb(square(0, 0, 4), square(4, 0, 2), srid=4326)))
    assert (centre.longitude, centre.latitude) == pytest.approx((2.6, 1.8))


def test_centre_outside_the_largest_polygon_falls_back_to_it():
    # A mainland and an island of nearly its size far away: the weighted centre would be at sea.
    centre = polygons_centre(parse_polygons(multipolygon_wkb(square(0, 0, 2), square(10, 0, 1.9))))
    assert (centre.longitude, centre.latitude) == pytest.approx((1, 1))


def test_point():
    assert parse_point(struct.pack("<BI2d", 1, 1, 4.83, 45.76)) == pytest.approx((4.83, 45.76))


def test_haversine():
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)


@pytest.mark.parametrize(
    ("name", "normalized"),
    [("Saint-Étienne", "saint etienne"), ("L'Haÿ-les-Roses", "l hay les roses"), ("Sète", "sete")],
)
def test_normalize_name(name, normalized):
    assert normalize_name(name) == normalized


def test_query_reads_abbreviations_except_while_typing():
    assert normalize_query("St-Étienne") == "saint etienne"
    assert normalize_query("st") == "st"
