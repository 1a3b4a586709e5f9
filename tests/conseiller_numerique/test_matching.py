"""The matching rule on its edges, and incremental updates equal to a full rebuild."""

import datetime
import math

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.conseiller_numerique import matching
from relais.conseiller_numerique.enums import ALL_FRANCE, CandidateStatus, StructureStatus
from relais.conseiller_numerique.models import Candidate, HostStructure, MatchPair
from relais.territories.geometry import haversine_km
from tests.conseiller_numerique import factories as f

pytestmark = pytest.mark.django_db

LYON = (45.7578, 4.8320)
TODAY = timezone.localdate


def listed(structure) -> list[int]:
    structure.refresh_from_db()
    return list(Candidate.objects.matching_structure(structure, today=TODAY()).values_list("pk", flat=True))


def north_of(origin, km: float) -> tuple[float, float]:
    return origin[0] + km / matching.KM_PER_DEGREE, origin[1]


def test_within_radius_and_beyond():
    home = f.commune(*LYON)
    near = f.structure(f.commune(*north_of(LYON, 15)))
    far = f.structure(f.commune(*north_of(LYON, 25)))
    person = f.candidate(home, radius=20)
    matching.rebuild_pairs()
    assert listed(near) == [person.pk]
    assert listed(far) == []


def _boundary_latitude(radius: int) -> float:
    """The northernmost latitude whose distance to Lyon is at most `radius` (next float: beyond)."""
    low, high = LYON[0], LYON[0] + 2 * radius / matching.KM_PER_DEGREE
    while True:
        middle = (low + high) / 2
        if middle in (low, high):
            return low
        if matching.distance_km(LYON, (middle, LYON[1])) <= radius:
            low = middle
        else:
            high = middle


def test_distance_exactly_at_the_radius_matches_and_a_hair_beyond_does_not():
    latitude = _boundary_latitude(20)
    assert math.isclose(matching.distance_km(LYON, (latitude, LYON[1])), 20, abs_tol=1e-9)
    assert math.isclose(haversine_km(*LYON, latitude, LYON[1]), 20, abs_tol=1e-9)
    person = f.candidate(f.commune(*LYON), radius=20)
    at = f.structure(f.commune(latitude, LYON[1]))
    beyond = f.structure(f.commune(math.nextafter(latitude, 90), LYON[1]))
    matching.rebuild_pairs()
    assert listed(at) == [person.pk]
    assert listed(beyond) == []


def test_dates_same_day_before_and_after_the_mission_start():
    start = TODAY() + datetime.timedelta(days=10)
    place = f.commune(*LYON)
    hosting = f.structure(place, mission_start=start)
    same_day = f.candidate(place, available_from=start)
    before = f.candidate(place, available_from=start - datetime.timedelta(days=1))
    f.candidate(place, available_from=start + datetime.timedelta(days=1))
    matching.rebuild_pairs()
    assert sorted(listed(hosting)) == sorted([same_day.pk, before.pk])


def test_mission_already_started_accepts_those_available_by_today():
    place = f.commune(*LYON)
    hosting = f.structure(place, mission_start=TODAY() - datetime.timedelta(days=30))
    today = f.candidate(place, available_from=TODAY())
    f.candidate(place, available_from=TODAY() + datetime.timedelta(days=1))
    matching.rebuild_pairs()
    assert listed(hosting) == [today.pk]


def test_overseas_matches_only_within_the_same_territory():
    # Two points 10 km apart on either side of a territory line (made-up coordinates: the rule is the territory).
    guadeloupe = f.commune(16.24, -61.53, department_code="971")
    metro = f.commune(16.25, -61.53, department_code="69")
    martinique = f.commune(16.26, -61.53, department_code="972")
    local = f.candidate(guadeloupe, radius=100)
    f.candidate(metro, radius=100)
    f.candidate(martinique, radius=100)
    everywhere = f.candidate(f.commune(14.6, -61.0, department_code="971"), radius=ALL_FRANCE)
    f.candidate(f.commune(*LYON), radius=ALL_FRANCE)
    hosting = f.structure(f.commune(16.245, -61.53, department_code="971"))
    matching.rebuild_pairs()
    assert sorted(listed(hosting)) == sorted([local.pk, everywhere.pk])


def test_all_france_candidates_match_any_metropolitan_structure_without_stored_pairs():
    person = f.candidate(f.commune(*LYON), radius=ALL_FRANCE)
    brest = f.structure(f.commune(48.39, -4.49, department_code="29"))
    ajaccio = f.structure(f.commune(41.92, 8.74, department_code="2A"))
    matching.rebuild_pairs()
    assert MatchPair.objects.count() == 0
    assert listed(brest) == [person.pk]
    assert listed(ajaccio) == [person.pk]


def test_unconfirmed_unavailable_and_recruited_candidates_and_unvalidated_structures_are_not_matched():
    place = f.commune(*LYON)
    f.candidate(place, confirmed=False, status=CandidateStatus.UNCONFIRMED)
    f.candidate(place, status=CandidateStatus.UNAVAILABLE)
    f.candidate(place, status=CandidateStatus.RECRUITED)
    pending = f.structure(place, status=StructureStatus.CREATED)
    hosting = f.structure(place)
    matching.rebuild_pairs()
    assert listed(hosting) == []
    assert listed(pending) == []


def test_nearest_first():
    hosting = f.structure(f.commune(*LYON))
    far = f.candidate(f.commune(*north_of(LYON, 30)), radius=40)
    near = f.candidate(f.commune(*north_of(LYON, 3)), radius=5)
    everywhere = f.candidate(f.commune(*north_of(LYON, 10)), radius=ALL_FRANCE)
    matching.rebuild_pairs()
    assert listed(hosting) == [near.pk, everywhere.pk, far.pk]


def pairs() -> set[tuple[int, int]]:
    return set(MatchPair.objects.values_list("candidate_id", "structure_id"))


points = st.tuples(st.floats(45.0, 46.5), st.floats(4.0, 6.0))
radii = st.sampled_from([5, 10, 15, 20, 40, 100, ALL_FRANCE])
changes = st.lists(
    st.tuples(st.sampled_from(["candidate", "structure"]), st.integers(0, 7), points, radii, st.booleans()),
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(points, radii), min_size=1, max_size=8),
    st.lists(points, min_size=1, max_size=8),
    changes,
)
def test_incremental_updates_equal_a_full_rebuild(candidate_points, structure_points, steps):
    MatchPair.objects.all().delete()
    Candidate.objects.all().delete()
    HostStructure.objects.all().delete()
    candidates = [f.candidate(f.commune(*point), radius=radius) for point, radius in candidate_points]
    structures = [f.structure(f.commune(*point)) for point in structure_points]
    matching.rebuild_pairs()
    for side, index, point, radius, flag in steps:
        place = f.commune(*point)
        if side == "candidate":
            person = candidates[index % len(candidates)]
            Candidate.objects.filter(pk=person.pk).update(
                commune=place,
                latitude=place.latitude,
                longitude=place.longitude,
                max_distance_km=radius,
                status=CandidateStatus.AVAILABLE if flag else CandidateStatus.UNAVAILABLE,
            )
            matching.update_candidate_pairs(person.pk)
        else:
            hosting = structures[index % len(structures)]
            HostStructure.objects.filter(pk=hosting.pk).update(
                commune=place,
                latitude=place.latitude,
                longitude=place.longitude,
                status=StructureStatus.VALIDATED if flag else StructureStatus.ABANDONED,
            )
            matching.update_structure_pairs(hosting.pk)
    incremental = pairs()
    matching.rebuild_pairs()
    assert incremental == pairs()
