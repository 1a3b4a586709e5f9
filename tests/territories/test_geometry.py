import struct

import pytest

from relais.territories.geometry import (
    dissolve,
    haversine_km,
    parse_point,
    parse_polygons,
    polygons_centre,
    signed_area,
    simplify_line,
    simplify_shared,
)
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


def test_two_adjacent_squares_dissolve_into_one_rectangle():
    # The left square turns clockwise: parts are oriented before their edges are compared.
    (ring,) = dissolve([[square(0, 0, 1)[::-1]], [square(1, 0, 1)]])
    assert ring == [(0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1), (0, 0)]
    assert signed_area(ring) == 2
    # The shared vertices are left on straight lines, where simplification drops them.
    assert simplify_shared({"A": [ring]}, 0.001) == {"A": [[(0, 0), (2, 0), (2, 1), (0, 1), (0, 0)]]}


def test_dissolve_keeps_holes_and_splits_rings_touching_at_a_corner():
    ring_of_squares = [[square(x, y, 1)] for x in range(3) for y in range(3) if (x, y) != (1, 1)]
    outer, hole = sorted(dissolve(ring_of_squares), key=signed_area, reverse=True)
    assert signed_area(outer) == 9 and signed_area(hole) == -1
    assert sorted(set(hole)) == [(1, 1), (1, 2), (2, 1), (2, 2)]

    corners = dissolve([[square(0, 0, 1)], [square(1, 1, 1)]])
    assert sorted(map(signed_area, corners)) == [1, 1]
    assert all(ring[0] == ring[-1] and len(ring) == 5 for ring in corners)


def zigzag(start, end, steps, amplitude):
    """A line from start to end whose odd points step aside (to the left) by `amplitude`."""
    (x0, y0), (x1, y1) = start, end
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    aside_x, aside_y = -(y1 - y0) / length * amplitude, (x1 - x0) / length * amplitude
    return [
        (x0 + (x1 - x0) * i / steps + aside_x * (i % 2), y0 + (y1 - y0) * i / steps + aside_y * (i % 2))
        for i in range(steps + 1)
    ]


def test_douglas_peucker_keeps_ends_and_points_beyond_the_tolerance():
    line = zigzag((0, 0), (1, 0), 10, 0.0001)
    assert simplify_line(line, 0.001) == [(0, 0), (1, 0)]
    assert simplify_line(line, 0.00001) == line


def test_neighbours_simplified_together_still_meet():
    # Two shapes sharing a bent, wiggly border, and an island.
    border = zigzag((1, 0), (1.25, 0.5), 20, 0.001) + zigzag((1.25, 0.5), (1, 1), 20, 0.001)[1:]
    west = [(0, 0), *border, (0, 1), (0, 0)]
    east = [(1, 0), (2, 0), (2, 1), *border[::-1]]
    island = [(3, 3), (3.0001, 3), (3.0001, 3.0001), (3, 3)]
    shapes = {"W": dissolve([[west]]), "E": dissolve([[east]]) + [island]}

    simplified = simplify_shared(shapes, 0.01)

    (west_ring,), (east_ring,) = simplified["W"], simplified["E"]  # the island is gone, below the tolerance
    for ring in (west_ring, east_ring):
        assert ring[0] == ring[-1] and len(set(ring)) >= 3 and signed_area(ring) > 0
    shared = set(west_ring) & set(east_ring)
    assert shared == {(1, 0), (1.25, 0.5), (1, 1)}
    # No gap, no overlap: the two areas add up to the whole.
    assert signed_area(west_ring) + signed_area(east_ring) == pytest.approx(2)
    assert signed_area(west_ring) == pytest.approx(1.125)


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
