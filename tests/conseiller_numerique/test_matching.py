"""The matching rule on its edges, and incremental updates equal to a full rebuild."""

import datetime
import math
import random
import threading
import time

import pytest
from django.db import connection, transaction
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


@pytest.mark.parametrize("radius", [20, 100])
def test_distance_exactly_at_the_radius_matches_and_a_hair_beyond_does_not(radius):
    """20 km: a stored pair; 100 km: found around the structure when its list is read."""
    latitude = _boundary_latitude(radius)
    assert math.isclose(matching.distance_km(LYON, (latitude, LYON[1])), radius, abs_tol=1e-9)
    assert math.isclose(haversine_km(*LYON, latitude, LYON[1]), radius, abs_tol=1e-9)
    person = f.candidate(f.commune(*LYON), radius=radius)
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


def pairs() -> set[tuple[int, int, float]]:
    return set(MatchPair.objects.values_list("candidate_id", "structure_id", "distance_km", "available_from"))


def test_each_pair_keeps_the_distance_the_rule_compared():
    home = f.commune(*LYON)
    person = f.candidate(home, radius=40)
    places = [north_of(LYON, km) for km in (0, 7.5, 39.9)]
    hosts = [f.structure(f.commune(*place)) for place in places]
    matching.rebuild_pairs()
    stored = dict(MatchPair.objects.filter(candidate=person).values_list("structure_id", "distance_km"))
    assert stored == {host.pk: matching.distance_km(LYON, place) for host, place in zip(hosts, places, strict=True)}


def test_a_rebuild_keeps_the_table_its_key_and_its_indexes():
    from django.db import connection

    f.candidate(f.commune(*LYON), radius=20)
    f.structure(f.commune(*north_of(LYON, 5)))

    def shape():
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, MatchPair._meta.db_table)
        return {
            name: (tuple(value["columns"]), value["primary_key"], value["unique"], value["index"])
            for name, value in found.items()
        }

    before = shape()
    assert matching.rebuild_pairs() == 1
    assert shape() == before
    assert MatchPair.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="réglages de table propres à PostgreSQL")
def test_a_rebuild_keeps_the_autovacuum_settings_of_the_pairs():
    def table_settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [MatchPair._meta.db_table])
            return sorted(cursor.fetchone()[0] or [])

    f.candidate(f.commune(*LYON), radius=20)
    f.structure(f.commune(*north_of(LYON, 5)))
    before = table_settings()
    assert "autovacuum_vacuum_insert_threshold=1000" in before
    matching.rebuild_pairs()
    assert table_settings() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="rangement propre à SQLite")
def test_the_pairs_are_stored_in_the_order_of_their_key_on_sqlite():
    """Migration 0006: a migration that remakes the table (Django does so to alter a SQLite table) must keep it."""

    def stored_without_rowid():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [MatchPair._meta.db_table]
            )
            return cursor.fetchone()[0].rstrip().upper().endswith("WITHOUT ROWID")

    assert stored_without_rowid()
    f.candidate(f.commune(*LYON), radius=20)
    f.structure(f.commune(*north_of(LYON, 5)))
    assert matching.rebuild_pairs() == 1
    assert stored_without_rowid()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="plan de SQLite")
def test_a_recomputation_looks_each_stored_pair_up_in_the_wanted_ones_on_sqlite():
    """Not a read of all the wanted pairs for each stored pair: a thousand pairs would cost a million comparisons."""
    from django.test.utils import CaptureQueriesContext

    f.candidate(f.commune(*LYON), radius=20)
    structure = f.structure(f.commune(*north_of(LYON, 5)))
    with CaptureQueriesContext(connection) as queries:
        matching.update_structure_pairs(structure.pk)
    (deletion,) = [query["sql"] for query in queries if query["sql"].lstrip().startswith("DELETE FROM conseiller")]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {deletion}")
        plan = [row[-1] for row in cursor.fetchall()]
    assert any(step.startswith("SEARCH w USING PRIMARY KEY") for step in plan), plan


def test_a_rebuild_finds_the_pairs_the_rule_gives_pair_by_pair():
    """The rebuild's pairs (read from the structures' side on PostgreSQL, from the candidates' on SQLite) are the
    rule's, checked pair by pair in Python: the structures within each candidate's radius, for the radii stored;
    each structure's list (its pairs, and the candidates of 100 km found around it) is the rule's for all."""
    rng = random.Random(7)
    radii = [5, 10, 15, 20, 40, 100]
    people = [
        f.candidate(f.commune(45.0 + rng.random() * 1.5, 4.0 + rng.random() * 2), radius=rng.choice(radii))
        for _ in range(40)
    ]
    hosts = [f.structure(f.commune(45.0 + rng.random() * 1.5, 4.0 + rng.random() * 2)) for _ in range(15)]
    matching.rebuild_pairs()
    expected = {
        (person.pk, host.pk)
        for person in people
        for host in hosts
        if haversine_km(person.latitude, person.longitude, host.latitude, host.longitude) <= person.max_distance_km
    }
    stored = {
        (candidate, host) for candidate, host in expected if Candidate.objects.get(pk=candidate).max_distance_km <= 40
    }
    assert set(MatchPair.objects.values_list("candidate_id", "structure_id")) == stored
    assert {(candidate, host.pk) for host in hosts for candidate in listed(host)} == expected
    assert {person.max_distance_km for person in people if (person.pk, hosts[0].pk) in expected} >= {100}


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


@pytest.mark.parametrize("page_size", [3, 7, 40])
def test_the_list_pages_are_the_rule_nearest_first(page_size):
    """Pages of the structure's list (stored pairs and "toute la France" merged, nearest first, read within rings
    when the count shows enough candidates there) are the rule's list, in its order, whatever the page size."""
    from django.core.paginator import Paginator

    rng = random.Random(20261201)
    hosting = f.structure(f.commune(*LYON))
    for _number in range(45):
        km, bearing = rng.choice([0.5, 2, 3, 8, 15, 30, 70, 150, 400]) * rng.random(), rng.uniform(0, 2 * math.pi)
        point = (
            LYON[0] + km * math.cos(bearing) / matching.KM_PER_DEGREE,
            LYON[1] + km * math.sin(bearing) / (matching.KM_PER_DEGREE * math.cos(math.radians(LYON[0]))),
        )
        f.candidate(f.commune(*point), radius=rng.choice([5, 10, 20, 40, 100, ALL_FRANCE, ALL_FRANCE, ALL_FRANCE]))
    matching.rebuild_pairs()
    expected = listed(hosting)
    assert len(expected) > 30
    rows = Candidate.objects.new_for_structure(hosting, today=TODAY())
    pages = Paginator(rows, page_size)
    assert pages.count == len(expected)
    got = [candidate.pk for number in pages.page_range for candidate in pages.page(number).object_list]
    assert got == expected
    near = rows.filter(distance__lte=10)
    near_pages = Paginator(near, page_size)
    assert [c.pk for n in near_pages.page_range for c in near_pages.page(n).object_list] == [
        pk
        for pk, km in Candidate.objects.matching_structure(hosting, today=TODAY()).values_list("pk", "distance")
        if km <= 10
    ]


def test_only_a_change_of_what_the_pairs_read_recomputes_them(monkeypatch):
    from relais.accounts.models import User
    from relais.conseiller_numerique import services
    from relais.conseiller_numerique.services import candidates, structures

    recomputed = []
    monkeypatch.setattr(candidates, "candidate_changed", lambda pk: recomputed.append(("candidate", pk)))
    monkeypatch.setattr(structures, "structure_changed", lambda pk: recomputed.append(("structure", pk)))
    actor = User.objects.create_user(email="recrutement@structure.fr", password=None)
    lyon, villeurbanne = f.commune(*LYON), f.commune(*north_of(LYON, 4))
    hosting = f.structure(lyon)
    person = f.candidate(lyon)
    later = TODAY() + datetime.timedelta(days=40)
    services.update_mission(actor=actor, structure=hosting, mission_start=later, commune=lyon)
    services.update_candidate(candidate=person, actor=actor, data={"phone": "0699999999", "available_from": later})
    services.decide(actor=actor, structure=hosting, status=StructureStatus.VALIDATED, posts_granted=3)
    assert recomputed == []
    services.update_mission(actor=actor, structure=hosting, mission_start=later, commune=villeurbanne)
    services.update_candidate(candidate=person, actor=actor, data={"max_distance_km": 40})
    services.set_availability(candidate=person, actor=actor, available=False)
    services.decide(actor=actor, structure=hosting, status=StructureStatus.ABANDONED)
    moved, person_changed = ("structure", hosting.pk), ("candidate", person.pk)
    assert recomputed == [moved, person_changed, person_changed, moved]


def test_a_change_of_status_or_date_reaches_the_list_before_the_recomputation():
    """The list reads the pairs alone: the services keep them in step in their own transaction (the recomputation
    task, enqueued after the commit, never runs in this test)."""
    from relais.accounts.models import User
    from relais.conseiller_numerique import services

    actor = User.objects.create_user(email="candidat@exemple.fr", password=None)
    start = TODAY() + datetime.timedelta(days=10)
    place = f.commune(*LYON)
    hosting = f.structure(place, mission_start=start)
    person = f.candidate(place)
    matching.rebuild_pairs()
    assert listed(hosting) == [person.pk]
    services.update_candidate(candidate=person, actor=actor, data={"available_from": start + datetime.timedelta(1)})
    assert listed(hosting) == []
    assert set(MatchPair.objects.values_list("available_from", flat=True)) == {start + datetime.timedelta(1)}
    services.update_candidate(candidate=person, actor=actor, data={"available_from": start})
    assert listed(hosting) == [person.pk]
    services.set_availability(candidate=person, actor=actor, available=False)
    assert listed(hosting) == []
    assert not MatchPair.objects.filter(candidate=person).exists()


@pytest.mark.parametrize("wider", [100, ALL_FRANCE])
def test_a_radius_no_longer_stored_lists_the_candidate_once_before_the_recomputation(wider):
    """From 20 km to 100 km or to all of France: found around the structure from then on, their pairs go at once."""
    from relais.accounts.models import User
    from relais.conseiller_numerique import services

    actor = User.objects.create_user(email="candidat@exemple.fr", password=None)
    place = f.commune(*LYON)
    hosting = f.structure(place)
    person = f.candidate(f.commune(*north_of(LYON, 10)), radius=20)
    matching.rebuild_pairs()
    assert listed(hosting) == [person.pk]
    services.update_candidate(candidate=person, actor=actor, data={"max_distance_km": wider})
    assert not MatchPair.objects.filter(candidate=person).exists()
    assert listed(hosting) == [person.pk]
    rows = Candidate.objects.new_for_structure(hosting, today=TODAY())
    assert rows.count() == 1 and [candidate.pk for candidate in rows[0:20]] == [person.pk]
    services.update_candidate(candidate=person, actor=actor, data={"max_distance_km": 5})
    matching.update_candidate_pairs(person.pk)
    assert listed(hosting) == []


def test_the_list_filters_reach_the_candidates_through_the_pairs():
    place = f.commune(*LYON)
    hosting = f.structure(place)
    near = f.candidate(f.commune(*north_of(LYON, 3)), is_job_seeker=False, has_diploma=True)
    far = f.candidate(f.commune(*north_of(LYON, 12)), is_job_seeker=True)
    everywhere = f.candidate(f.commune(*north_of(LYON, 8)), radius=ALL_FRANCE, has_diploma=True)
    matching.rebuild_pairs()
    rows = Candidate.objects.new_for_structure(hosting, today=TODAY())
    assert [c.pk for c in rows[:10]] == [near.pk, everywhere.pk, far.pk]
    assert [c.pk for c in rows.filter(has_diploma=True)[:10]] == [near.pk, everywhere.pk]
    assert [c.pk for c in rows.filter(distance__lte=10)[:10]] == [near.pk, everywhere.pk]
    later = TODAY() - datetime.timedelta(days=1)
    assert rows.filter(available_from__lte=later).count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="les verrous de lignes demandent PostgreSQL")
def test_a_pair_changed_during_a_recomputation_is_still_removed():
    """The recomputation reaches the pairs by their row's address: a pair that `sync_candidate` changes meanwhile (a
    new date, hence a new row) must not survive the move of its structure."""
    person = f.candidate(f.commune(*LYON), radius=20)
    host = f.structure(f.commune(*north_of(LYON, 5)))
    matching.rebuild_pairs()
    far = f.commune(*north_of(LYON, 300))
    HostStructure.objects.filter(pk=host.pk).update(commune=far, latitude=far.latitude, longitude=far.longitude)
    changed, release = threading.Event(), threading.Event()

    def change_the_date():
        try:
            with transaction.atomic():
                MatchPair.objects.filter(candidate=person).update(available_from=TODAY() + datetime.timedelta(days=9))
                changed.set()
                release.wait(10)
        finally:
            connection.close()

    def recompute():
        try:
            matching.update_structure_pairs(host.pk)
        finally:
            connection.close()

    writer, recomputation = threading.Thread(target=change_the_date), threading.Thread(target=recompute)
    writer.start()
    assert changed.wait(10)
    recomputation.start()
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the recomputation never waited for the pair's lock")
    release.set()
    writer.join()
    recomputation.join()
    assert not MatchPair.objects.filter(structure=host).exists()
