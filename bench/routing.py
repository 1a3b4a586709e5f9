"""Latency of route_need (services/routing/) with 1k, 10k and 50k expert teams of ~4 zones each.

route_need is the one function every product caller uses to decide the teams of a need (support's triage,
advisors' "Analyse", the demo): uncapped, the explanation of support's page computed apart (explain_routing).

Usage: .venv/bin/python bench/routing.py [--database-url postgres://…] [--calls 300] [--sizes 1000 10000 50000]
By default a temporary SQLite file, deleted at the end. Tables are created from the current models (no migrations),
then filled by bulk inserts with a synthetic referential: 12 regions, 96 departments, 960 EPCI, 19,200 communes.
Teams are added size after size (1k, then up to 10k, then up to 50k); at each size, route_need is timed on random
(subject, establishment) pairs after a warm-up. Prints the median and p95 in ms per size, then the last line
`RESULT routing_median_ms_10k=… routing_p95_ms_10k=… routing_median_ms_50k=…`.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_django import setup_django  # noqa: E402

REGIONS = 12
DEPARTMENTS_PER_REGION = 8  # 96 departments: two-digit codes, so commune codes keep five characters
EPCIS_PER_DEPARTMENT = 10
COMMUNES_PER_EPCI = 20
INSTITUTIONS = 40
SUBJECTS_PER_INSTITUTION = 10
SUBJECTS_PER_EXPERT = 3
ESTABLISHMENTS = 300


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL database to fill (it must exist and be empty).")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


class Referential:
    """Synthetic regions, departments, EPCI and communes, as codes shaped like the real ones."""

    def __init__(self):
        from relais.territories.models import Commune, Department, Epci, Region

        regions = Region.objects.bulk_create(
            [Region(insee_code=f"{10 + r}", name=f"Région {10 + r}") for r in range(REGIONS)]
        )
        departments = Department.objects.bulk_create(
            [
                Department(
                    insee_code=f"{1 + r * DEPARTMENTS_PER_REGION + d:02d}", name=f"Département {r}-{d}", region=region
                )
                for r, region in enumerate(regions)
                for d in range(DEPARTMENTS_PER_REGION)
            ]
        )
        epcis = Epci.objects.bulk_create(
            [
                Epci(siren=f"2{d:03d}{e:05d}", name=f"Communauté {department.insee_code}-{e}")
                for d, department in enumerate(departments)
                for e in range(EPCIS_PER_DEPARTMENT)
            ]
        )
        communes = []
        for index, epci in enumerate(epcis):
            department = departments[index // EPCIS_PER_DEPARTMENT]
            for c in range(COMMUNES_PER_EPCI):
                number = (index % EPCIS_PER_DEPARTMENT) * COMMUNES_PER_EPCI + c + 1
                communes.append(
                    Commune(
                        insee_code=f"{department.insee_code}{number:03d}",
                        name=f"Commune {department.insee_code}{number:03d}",
                        search_name=f"commune {department.insee_code}{number:03d}",
                        department=department,
                        region_id=department.region_id,
                        epci=epci,
                    )
                )
        self.communes = Commune.objects.bulk_create(communes, batch_size=2000)
        self.regions = regions
        self.departments = departments
        self.epcis = epcis
        self.departments_by_region = {}
        for department in departments:
            self.departments_by_region.setdefault(department.region_id, []).append(department)
        self.epcis_by_department = {
            department.pk: epcis[d * EPCIS_PER_DEPARTMENT : (d + 1) * EPCIS_PER_DEPARTMENT]
            for d, department in enumerate(departments)
        }

    def zones(self, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
        """A realistic footprint: mostly local (communes, EPCI), some departmental, few regional or national."""
        from relais.conseillers_entreprises.enums import TerritorialLevel, ZoneType

        draw = rng.random()
        department = rng.choice(self.departments)
        if draw < 0.002:
            return TerritorialLevel.NATIONAL, []
        if draw < 0.03:
            regions = rng.sample(self.regions, 2)
            return TerritorialLevel.REGIONAL, [(ZoneType.REGION, region.insee_code) for region in regions]
        if draw < 0.25:
            departments = rng.sample(self.departments_by_region[department.region_id], 4)
            return TerritorialLevel.LOCAL, [(ZoneType.DEPARTMENT, d.insee_code) for d in departments]
        epcis = rng.sample(self.epcis_by_department[department.pk], 2)
        communes = rng.sample(self._communes_of(department), 2)
        return TerritorialLevel.LOCAL, [(ZoneType.EPCI, e.siren) for e in epcis] + [
            (ZoneType.COMMUNE, c.insee_code) for c in communes
        ]

    def _communes_of(self, department):
        index = self.departments.index(department)
        per_department = EPCIS_PER_DEPARTMENT * COMMUNES_PER_EPCI
        return self.communes[index * per_department : (index + 1) * per_department]


class Directory:
    def __init__(self, rng: random.Random, referential: Referential):
        from relais.conseillers_entreprises.models import Institution, InstitutionSubject, MatchFilter, Subject
        from relais.conseillers_entreprises.taxonomy import import_taxonomy

        import_taxonomy()
        self.rng = rng
        self.referential = referential
        self.subjects = list(Subject.objects.filter(is_other_need=False))
        institutions = Institution.objects.bulk_create(
            [Institution(name=f"Institution {i}", slug=f"institution-{i}") for i in range(INSTITUTIONS)]
        )
        self.offers = {}
        for institution in institutions:
            subjects = rng.sample(self.subjects, SUBJECTS_PER_INSTITUTION)
            self.offers[institution.pk] = InstitutionSubject.objects.bulk_create(
                [InstitutionSubject(institution=institution, subject=subject) for subject in subjects]
            )
        MatchFilter.objects.bulk_create(
            [MatchFilter(institution=i, min_staff=1) for i in institutions[:4]]
            + [MatchFilter(institution=i, accepted_naf_codes=["62", "70"]) for i in institutions[4:8]]
        )
        self.institutions = institutions
        self.count = 0

    def grow_to(self, size: int) -> None:
        from relais.accounts.models import User
        from relais.conseillers_entreprises.models import (
            Absence,
            Antenne,
            Expert,
            ExpertSubject,
            MatchFilter,
            TerritorialZone,
        )

        rng, start = self.rng, self.count
        new = size - start
        antennes = []
        for a in range(start // 2, start // 2 + (new + 1) // 2):
            level, zones = self.referential.zones(rng)
            antenne = Antenne(institution=rng.choice(self.institutions), name=f"Antenne {a}", territorial_level=level)
            antenne.bench_zones = zones
            antennes.append(antenne)
        Antenne.objects.bulk_create(antennes, batch_size=2000)
        experts = []
        for e in range(new):
            antenne = antennes[e // 2]
            # Half the teams have their own zones, which replace their antenne's.
            own = [] if e % 2 == 0 else self.referential.zones(rng)[1]
            expert = Expert(antenne=antenne, name=f"Équipe {start + e}", email=f"e{start + e}@bench.test")
            expert.has_own_zones = bool(own)
            expert.bench_zones = own
            experts.append(expert)
        Expert.objects.bulk_create(experts, batch_size=2000)
        TerritorialZone.objects.bulk_create(
            [TerritorialZone(antenne=a, zone_type=t, code=c) for a in antennes for t, c in a.bench_zones]
            + [TerritorialZone(expert=e, zone_type=t, code=c) for e in experts for t, c in e.bench_zones],
            batch_size=5000,
        )
        ExpertSubject.objects.bulk_create(
            [
                ExpertSubject(expert=expert, institution_subject=offer)
                for expert in experts
                for offer in rng.sample(self.offers[expert.antenne.institution_id], SUBJECTS_PER_EXPERT)
            ],
            batch_size=5000,
        )
        users = User.objects.bulk_create(
            [User(email=f"agent{start + e}@bench.test", password="!") for e in range(new)], batch_size=2000
        )
        Expert.users.through.objects.bulk_create(
            [Expert.users.through(expert_id=e.pk, user_id=u.pk) for e, u in zip(experts, users, strict=True)],
            batch_size=5000,
        )
        today = time.strftime("%Y-%m-%d")
        Absence.objects.bulk_create(
            [Absence(user=u, starts_on=today, ends_on=today) for u in users if rng.random() < 0.03], batch_size=5000
        )
        MatchFilter.objects.bulk_create(
            [MatchFilter(expert=e, max_staff=249) for e in experts if rng.random() < 0.05]
            + [MatchFilter(antenne=a, excluded_naf_codes=["01"]) for a in antennes if rng.random() < 0.05],
            batch_size=5000,
        )
        self.count = size


def establishments(rng: random.Random, referential: Referential):
    from relais.companies.enums import CompanySource
    from relais.companies.models import Company, Establishment

    companies = Company.objects.bulk_create(
        [
            Company(
                siren=f"{500000000 + n}",
                name=f"Entreprise {n}",
                search_name=f"entreprise {n}",
                legal_form_code=rng.choice(["5710", "5499", "1000"]),
                naf_code=rng.choice(["62.01Z", "10.71C", "70.22Z", "43.32A"]),
                staff_size_code=rng.choice(["00", "01", "02", "03", "11", "12", "NN"]),
                source=CompanySource.DEMO,
            )
            for n in range(ESTABLISHMENTS)
        ]
    )
    result = []
    for company in companies:
        commune = rng.choice(referential.communes)
        result.append(
            Establishment(
                siret=f"{company.siren}00010",
                company=company,
                search_name=company.search_name,
                commune=commune,
                commune_insee_code=commune.insee_code,
                naf_code=company.naf_code,
            )
        )
    Establishment.objects.bulk_create(result)
    return list(Establishment.objects.select_related("company"))


def measure(rng, subjects, places, calls, warmup) -> tuple[float, float, float]:
    from relais.conseillers_entreprises.services import route_need

    pairs = [(rng.choice(subjects), rng.choice(places)) for _ in range(warmup + calls)]
    timings, kept = [], 0
    for index, (subject, establishment) in enumerate(pairs):
        started = time.perf_counter()
        routing = route_need(subject=subject, establishment=establishment)
        elapsed = (time.perf_counter() - started) * 1000
        if index >= warmup:
            timings.append(elapsed)
            kept += len(routing.kept)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], kept / calls


def main() -> None:
    args = parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="relais-bench-routing-")
    setup_django(database_url=args.database_url, tmp_dir=Path(tmp.name), name="routing")
    from django.db import connection

    rng = random.Random(args.seed)
    started = time.perf_counter()
    referential = Referential()
    directory = Directory(rng, referential)
    places = establishments(rng, referential)
    print(
        f"{connection.vendor} : référentiel synthétique de {len(referential.communes)} communes "
        f"en {time.perf_counter() - started:.1f} s"
    )
    results = {}
    for size in sorted(args.sizes):
        started = time.perf_counter()
        directory.grow_to(size)
        if connection.vendor == "postgresql":
            # As autovacuum does in production after such inserts (it may be off on a bench server): statistics, and
            # the visibility map that lets index-only scans skip the table.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        built = time.perf_counter() - started
        median, p95, kept = measure(rng, directory.subjects, places, args.calls, args.warmup)
        results[size] = (median, p95)
        print(
            f"{size:>6} équipes (générées en {built:5.1f} s) : médiane {median:.2f} ms, p95 {p95:.2f} ms, "
            f"{kept:.1f} équipes retenues en moyenne"
        )
    tmp.cleanup()

    def figure(size, index):
        return f"{results[size][index]:.2f}" if size in results else "nan"

    print(
        f"RESULT routing_median_ms_10k={figure(10000, 0)} routing_p95_ms_10k={figure(10000, 1)} "
        f"routing_median_ms_50k={figure(50000, 0)}"
    )


if __name__ == "__main__":
    main()
