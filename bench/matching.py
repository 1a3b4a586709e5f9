"""Conseiller numérique matching at the scale of the issue: 100,000 candidates × 10,000 structures.

Usage: .venv/bin/python bench/matching.py [--database-url postgres://postgres@127.0.0.1:5432/relais_cn_bench]
[--reset | --reuse] [--candidates 100000] [--structures 10000] [--samples 200]
Without --database-url: a temporary SQLite file, deleted at the end. On PostgreSQL the database must exist and be
empty, or be emptied with --reset. Tables come from the migrations, as in production.

Data: candidates drawn around 40 French cities weighted by population (70 %), the rest spread over metropolitan
France; structures (communes, EPCI, associations: every territory has some) around the same cities weighted by the
square root of their population (40 %), the rest spread over metropolitan France; 2 % of both in Guadeloupe and
La Réunion; each place snapped to a 0.02° cell that becomes a commune. (With structures as concentrated as the
candidates, Paris alone gets 1,600 structures and the pairs reach 17.5 million: see the README.) Radii drawn evenly
from the allowed values (5, 10, 15, 20, 40, 100 km, toute la France); availability dates over the next 6 months,
missions starting from 3 months ago to 6 months ahead; all candidates confirmed and available, all structures
validated.

Measured on the code the product runs: `rebuild_pairs()` (the `rebuild_matches` command), one candidate's
`update_candidate_pairs` after a move and a new radius, one structure's `update_structure_pairs` after a move to
another structure's commune and after its move back, and with nothing to change (the tasks run after each change;
medians of `--samples` each), and the structure's list page `/conseiller-numerique/structures/<id>/` through
Django's test client as a member of the structure (p95 and the number of queries, which must not depend on the
structure). Last line: `RESULT rebuild_s=… candidate_update_ms=… structure_update_ms=… structure_unchanged_ms=…
list_p95_ms=… pairs=…`.
"""

import argparse
import datetime
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_django import setup_django  # noqa: E402
from retention import reset_schema  # noqa: E402

CITIES = [  # name, latitude, longitude, population (thousands)
    ("Paris", 48.8566, 2.3522, 2100),
    ("Marseille", 43.2965, 5.3698, 870),
    ("Lyon", 45.7640, 4.8357, 520),
    ("Toulouse", 43.6047, 1.4442, 500),
    ("Nice", 43.7102, 7.2620, 340),
    ("Nantes", 47.2184, -1.5536, 320),
    ("Montpellier", 43.6108, 3.8767, 300),
    ("Strasbourg", 48.5734, 7.7521, 290),
    ("Bordeaux", 44.8378, -0.5792, 260),
    ("Lille", 50.6292, 3.0573, 235),
    ("Rennes", 48.1173, -1.6778, 220),
    ("Reims", 49.2583, 4.0317, 180),
    ("Toulon", 43.1242, 5.9280, 180),
    ("Saint-Étienne", 45.4397, 4.3872, 175),
    ("Le Havre", 49.4944, 0.1079, 170),
    ("Grenoble", 45.1885, 5.7245, 160),
    ("Dijon", 47.3220, 5.0415, 160),
    ("Angers", 47.4784, -0.5632, 155),
    ("Nîmes", 43.8367, 4.3601, 150),
    ("Clermont-Ferrand", 45.7772, 3.0870, 147),
    ("Le Mans", 48.0061, 0.1996, 145),
    ("Aix-en-Provence", 43.5297, 5.4474, 145),
    ("Brest", 48.3904, -4.4861, 140),
    ("Tours", 47.3941, 0.6848, 137),
    ("Amiens", 49.8941, 2.2958, 134),
    ("Limoges", 45.8336, 1.2611, 131),
    ("Perpignan", 42.6887, 2.8948, 120),
    ("Metz", 49.1193, 6.1757, 118),
    ("Besançon", 47.2378, 6.0241, 117),
    ("Orléans", 47.9030, 1.9093, 116),
    ("Rouen", 49.4432, 1.0999, 114),
    ("Caen", 49.1829, -0.3707, 106),
    ("Nancy", 48.6921, 6.1844, 104),
    ("Avignon", 43.9493, 4.8055, 91),
    ("Poitiers", 46.5802, 0.3404, 89),
    ("Pau", 43.2951, -0.3708, 76),
    ("La Rochelle", 46.1603, -1.1511, 77),
    ("Ajaccio", 41.9192, 8.7386, 72),
    ("Troyes", 48.2973, 4.0744, 62),
    ("Quimper", 47.9960, -4.1020, 63),
]
OVERSEAS = [("971", 16.2650, -61.5510), ("974", -21.1151, 55.5364)]
METRO_BOX = (42.5, 50.9, -4.5, 7.8)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL database (empty, or emptied with --reset).")
    parser.add_argument("--reset", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the candidates and structures of a previous run on this database (no filling; the pairs are "
        "rebuilt all the same). The candidates that run moved stay where it put them.",
    )
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--structures", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    return parser.parse_args()


def draw_place(rng: random.Random, *, city_share: float, weight) -> tuple[str, float, float]:
    """(département code, latitude, longitude): 2 % overseas, `city_share` around a city drawn by `weight`
    (of its population), the rest anywhere in metropolitan France."""
    roll = rng.random()
    if roll < 0.02:
        code, latitude, longitude = rng.choice(OVERSEAS)
        return code, latitude + rng.gauss(0, 0.08), longitude + rng.gauss(0, 0.08)
    if roll < 0.02 + city_share:
        _name, latitude, longitude, _population = rng.choices(CITIES, weights=[weight(c[3]) for c in CITIES])[0]
        return "metro", latitude + rng.gauss(0, 0.15), longitude + rng.gauss(0, 0.2)
    south, north, west, east = METRO_BOX
    return "metro", rng.uniform(south, north), rng.uniform(west, east)


def fill(candidates: int, structures: int, rng: random.Random):
    from django.utils import timezone

    from relais.conseiller_numerique.enums import CandidateStatus, Distance, StructureStatus
    from relais.conseiller_numerique.matching import territory_of
    from relais.conseiller_numerique.models import Candidate, HostStructure
    from relais.organizations.models import Organization
    from relais.territories.models import Commune, Department, Region

    region = Region.objects.create(insee_code="84", name="Région")
    departments = {
        code: Department.objects.create(insee_code=code, name=f"Département {code}", region=region)
        for code in ("69", "971", "974")
    }
    communes: dict[tuple[str, int, int], Commune] = {}

    def commune_for(code: str, latitude: float, longitude: float) -> Commune:
        key = (code, round(latitude / 0.02), round(longitude / 0.02))
        if key not in communes:
            department = departments["69" if code == "metro" else code]
            communes[key] = Commune(
                insee_code=f"{len(communes):05d}",
                name=f"Commune {len(communes)}",
                search_name=f"commune {len(communes)}",
                department=department,
                region=region,
                latitude=key[1] * 0.02,
                longitude=key[2] * 0.02,
            )
        return communes[key]

    today = timezone.localdate()
    now = timezone.now()
    radii = list(Distance.values)
    candidate_rows, structure_rows = [], []
    for number in range(candidates):
        commune = commune_for(*draw_place(rng, city_share=0.70, weight=lambda population: population))
        candidate_rows.append((number, commune))
    for number in range(structures):
        commune = commune_for(*draw_place(rng, city_share=0.40, weight=math.sqrt))
        structure_rows.append((number, commune))
    Commune.objects.bulk_create(communes.values(), batch_size=5000)
    saved = {(c.insee_code): c for c in Commune.objects.select_related("department")}

    def placed(commune):
        commune = saved[commune.insee_code]
        return {
            "commune": commune,
            "latitude": commune.latitude,
            "longitude": commune.longitude,
            "territory": territory_of(commune.department.insee_code),
        }

    Candidate.objects.bulk_create(
        (
            Candidate(
                first_name="Camille",
                last_name=f"Candidat {number}",
                email=f"candidat{number}@exemple.fr",
                phone="+33612345678",
                is_job_seeker=number % 2 == 0,
                is_employed=number % 2 == 1,
                has_diploma=number % 5 == 0,
                available_from=today + datetime.timedelta(days=rng.randint(0, 180)),
                max_distance_km=rng.choice(radii),
                motivation="Motivation.",
                status=CandidateStatus.AVAILABLE,
                confirmed_at=now,
                pix_level=rng.choice([None, 1, 2, 3]),
                pix_shared=rng.random() < 0.5,
                **placed(commune),
            )
            for number, commune in candidate_rows
        ),
        batch_size=5000,
    )
    Organization.objects.bulk_create(
        (Organization(siren=f"{number:09d}", name=f"Organisation {number}") for number in range(structures)),
        batch_size=5000,
    )
    organizations = dict(Organization.objects.values_list("siren", "id"))
    HostStructure.objects.bulk_create(
        (
            HostStructure(
                organization_id=organizations[f"{number:09d}"],
                kind="commune",
                siret=f"{number:09d}00010",
                name=f"Structure {number}",
                department=saved[commune.insee_code].department,
                mission_start=today + datetime.timedelta(days=rng.randint(-90, 180)),
                posts_wanted=2,
                posts_granted=2,
                motivation="Motivation.",
                contact_first_name="Dominique",
                contact_last_name="Contact",
                contact_function="Directrice",
                contact_email=f"contact{number}@structure.fr",
                contact_phone="+33478000000",
                status=StructureStatus.VALIDATED,
                confirmed_at=now,
                **placed(commune),
            )
            for number, commune in structure_rows
        ),
        batch_size=5000,
    )
    return len(communes)


def member_of(structures):
    """One person with the service's right in the organisations of `structures` (the list page's reader)."""
    from relais.accounts.models import User
    from relais.conseiller_numerique.catalogue import RECRUITMENT_RIGHT, SERVICE_SLUG
    from relais.organizations.catalogue import load_digital_services
    from relais.organizations.models import AccessRight, DigitalService, Membership, ServiceRight

    load_digital_services()
    service = DigitalService.objects.get(slug=SERVICE_SLUG)
    right = ServiceRight.objects.get(service=service, code=RECRUITMENT_RIGHT)
    User.objects.filter(email="recrutement@bench.fr").delete()
    user = User.objects.create_user(email="recrutement@bench.fr", password=None)
    for structure in structures:
        membership = Membership.objects.create(user=user, organization_id=structure.organization_id)
        AccessRight.objects.create(membership=membership, service=service).rights.add(right)
    return user


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    args = parse_args()
    if args.database_url and args.reset:
        reset_schema(args.database_url)
    tmp_dir = Path(tempfile.mkdtemp(prefix="relais-matching-bench-"))
    try:
        # Built by the migrations, as in production: the DSFR configuration row exists (without it, each page reads
        # for it two or three more times) and the indexes are the migrations' own.
        setup_django(database_url=args.database_url, tmp_dir=tmp_dir, name="matching", migrations=True)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from relais.conseiller_numerique import matching
        from relais.conseiller_numerique.enums import Distance
        from relais.conseiller_numerique.models import Candidate, HostStructure, MatchPair

        rng = random.Random(20261130)
        started = time.perf_counter()
        if args.reuse and Candidate.objects.exists():
            print(
                f"{connection.vendor}: {Candidate.objects.count()} candidats, {HostStructure.objects.count()} "
                "structures repris",
                flush=True,
            )
        else:
            communes = fill(args.candidates, args.structures, rng)
            print(
                f"{connection.vendor}: {args.candidates} candidats, {args.structures} structures, {communes} communes "
                f"créés en {time.perf_counter() - started:.1f} s",
                flush=True,
            )

        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load (PostgreSQL ≥ 13 vacuums after insertions too; the server of
            # this machine runs without it): without statistics the planner cannot pick the index range, and
            # without the visibility map the counts of a list cannot read the candidates' index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        started = time.perf_counter()
        pairs = matching.rebuild_pairs()
        rebuild_s = time.perf_counter() - started
        print(f"rebuild_pairs : {pairs} paires en {rebuild_s:.1f} s", flush=True)

        from relais.territories.models import Commune

        def place(commune_id: int) -> dict:
            commune = Commune.objects.select_related("department").get(pk=commune_id)
            return {
                "commune": commune,
                "latitude": commune.latitude,
                "longitude": commune.longitude,
                "territory": matching.territory_of(commune.department.insee_code),
            }

        candidate_ids = rng.sample(list(Candidate.objects.values_list("id", flat=True)), args.samples)
        commune_ids = list(Candidate.objects.values_list("commune_id", flat=True)[:5000])
        candidate_times = []
        for candidate_id in candidate_ids:
            Candidate.objects.filter(pk=candidate_id).update(
                max_distance_km=rng.choice(Distance.values), **place(rng.choice(commune_ids))
            )
            candidate_times.append(timed(matching.update_candidate_pairs, candidate_id))
        # A structure moves to the commune of another structure (its pairs change), then back to its own (the list
        # pages below read the structures where they were); both recomputations timed. Then a recomputation with
        # nothing to change (a change of the mission's date, of the posts granted).
        structure_ids = rng.sample(list(HostStructure.objects.values_list("id", flat=True)), args.samples)
        structure_communes = list(HostStructure.objects.values_list("commune_id", flat=True))
        structure_times, unchanged_times = [], []
        for structure_id in structure_ids:
            home = HostStructure.objects.values_list("commune_id", flat=True).get(pk=structure_id)
            for commune_id in (rng.choice(structure_communes), home):
                HostStructure.objects.filter(pk=structure_id).update(**place(commune_id))
                structure_times.append(timed(matching.update_structure_pairs, structure_id))
            unchanged_times.append(timed(matching.update_structure_pairs, structure_id))
        print(
            f"mise à jour d'un candidat (déplacé, nouveau rayon) : médiane "
            f"{statistics.median(candidate_times):.1f} ms, max {max(candidate_times):.1f} ms",
            flush=True,
        )
        print(
            f"mise à jour d'une structure (déplacée, puis revenue) : médiane {statistics.median(structure_times):.1f} "
            f"ms, max {max(structure_times):.1f} ms ; sans changement : médiane "
            f"{statistics.median(unchanged_times):.1f} ms, max {max(unchanged_times):.1f} ms",
            flush=True,
        )

        sampled = list(HostStructure.objects.filter(pk__in=structure_ids).select_related("commune"))
        today = timezone.localdate()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(member_of(sampled))
        list_times, query_counts, sizes = [], set(), []
        for structure in sampled:
            url = f"/conseiller-numerique/structures/{structure.public_id}/"
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                list_times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            query_counts.add(len(queries))
            sizes.append(Candidate.objects.matching_structure(structure, today=today).count())
        list_times.sort()
        p95 = list_times[math.ceil(0.95 * len(list_times)) - 1]
        print(
            f"liste d'une structure : p95 {p95:.1f} ms, médiane {statistics.median(list_times):.1f} ms, "
            f"requêtes {sorted(query_counts)}, candidats listés : médiane {statistics.median(sizes):.0f}, "
            f"max {max(sizes)}",
            flush=True,
        )
        print(f"paires stockées : {MatchPair.objects.count()}")
        print(
            f"RESULT rebuild_s={rebuild_s:.1f} candidate_update_ms={statistics.median(candidate_times):.1f} "
            f"structure_update_ms={statistics.median(structure_times):.1f} "
            f"structure_unchanged_ms={statistics.median(unchanged_times):.1f} list_p95_ms={p95:.1f} pairs={pairs}"
        )
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
