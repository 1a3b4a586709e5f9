"""The France Num structures of the benches, generated in bulk: a synthetic grid of 2,000 communes over
metropolitan France (13 régions, 96 départements, real-format codes) and `count` published structures with a
referent, one to three offers, area codes and search data.

Generation is bulk (bulk_create by batches), but what is stored is what the product stores: each profile's
normalised text comes from `services.publication.profile_text` (the database indexes it as it does for the product:
SQLite's full-text index by its triggers, PostgreSQL's generated column of the words' prefixes), its area codes from
the same format as `services.publication.area_codes`. Django must be set up on an empty database (territories
included) before `fill` is called; used by bench/francenum.py (the directory) and bench/api.py (the open-data list).
"""

import random

REGIONS = ["11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]
WORDS = ["pixel", "horizon", "boussole", "declic", "rebond", "azur", "ancre", "phare", "tremplin", "envol",
         "cap", "levier", "sillage", "relais", "atlas", "orbite", "prisme", "vecteur", "spirale", "comete"]  # fmt: skip
PREFIXES = ["Agence", "Studio", "Conseil", "Atelier", "Cabinet", "Collectif", "Cyber", "Data", "Web", "Formation"]
BATCH = 5000


def progress(label: str, done: int, total: int) -> None:
    print(f"\r{label} : {done}/{total}", end="" if done < total else "\n", flush=True)


def territories(rng: random.Random):
    from relais.territories.models import Commune, Department, PostalCode, Region

    regions = Region.objects.bulk_create(Region(insee_code=code, name=f"Région {code}") for code in REGIONS)
    departments = Department.objects.bulk_create(
        Department(insee_code=f"{n + 1:02d}" if n < 95 else "2A", name=f"Département {n + 1}", region=regions[n % 13])
        for n in range(96)
    )
    communes = []
    for n in range(2000):
        department = departments[n % 96]
        # A grid over metropolitan France; each département is a band of cells.
        latitude = 42.5 + 8.5 * ((n * 37) % 2000) / 2000 + rng.random() * 0.05
        longitude = -4.5 + 12.5 * ((n * 61) % 2000) / 2000 + rng.random() * 0.05
        communes.append(
            Commune(
                insee_code=f"{department.insee_code}{n % 1000:03d}",
                name=f"Commune {n}",
                search_name=f"commune {n}",
                department=department,
                region=department.region,
                latitude=latitude,
                longitude=longitude,
                population=1000 + n,
            )
        )
    communes = Commune.objects.bulk_create(communes)
    PostalCode.objects.bulk_create(
        PostalCode(code=f"{10000 + n * 37 % 89999:05d}", commune=commune) for n, commune in enumerate(communes)
    )
    return communes


def fill(count: int, rng: random.Random) -> list[str]:
    from django.db import connection, transaction

    communes = territories(rng)
    slugs = []
    for start in range(0, count, BATCH):
        with transaction.atomic():
            slugs += _batch(start, min(BATCH, count - start), communes, rng)
        progress("Structures", start + min(BATCH, count - start), count)
    # What autovacuum does after a bulk load on PostgreSQL (statistics, and the visibility map for index-only scans).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return slugs


def _batch(start: int, size: int, communes, rng: random.Random) -> list[str]:
    from django.db import connection

    from relais.accounts.models import User
    from relais.francenum.enums import Category, Domain, Kind, MemberRole, ServiceKind, Status
    from relais.francenum.models import Activator, ActivatorMember, Offer
    from relais.francenum.services.publication import profile_text

    domains, kinds, types = list(Domain), list(ServiceKind), list(Kind)
    slugs = []
    activators, offers_by_index = [], []
    for i in range(start, start + size):
        commune = communes[rng.randrange(len(communes))]
        name = f"{PREFIXES[i % 10]} {WORDS[rng.randrange(20)].capitalize()} {WORDS[rng.randrange(20)]} {i}"
        slug = f"structure-{i}"
        slugs.append(slug)
        france, remote = rng.random() < 0.03, rng.random() < 0.1
        codes = ["FR"] if france else []
        codes += ["DIST"] if remote else []
        codes += [f"D{commune.department.insee_code}", f"C{commune.insee_code}"]
        if rng.random() < 0.3:
            codes.append(f"R{commune.region.insee_code}")
        activator = Activator(
            slug=slug, name=name, status=Status.VALIDATED, kind=types[i % len(types)],
            category=Category.PUBLIC if i % 10 == 0 else Category.PRIVATE,
            address=f"{i % 200 + 1} rue de la Gare", postal_code="69000", city=commune.name, commune=commune,
            department=commune.department, region=commune.region,
            latitude=commune.latitude + rng.uniform(-0.05, 0.05),
            longitude=commune.longitude + rng.uniform(-0.05, 0.05),
            description="Accompagnement des TPE et PME : stratégie numérique, sites internet, formation.",
            serves_france=france, serves_remote=remote, area_codes=f" {' '.join(codes)} ",
        )  # fmt: skip
        offers = [
            Offer(domain=domains[(i + k) % len(domains)], service_kind=kinds[(i * 7 + k) % len(kinds)])
            for k in range(1 + i % 3)
        ]
        activator._state.fields_cache.update(department=commune.department, region=commune.region)
        activator.search_text = profile_text(activator, offers)
        activators.append(activator)
        offers_by_index.append(offers)
    created = Activator.objects.bulk_create(activators)
    users = User.objects.bulk_create(
        User(email=f"referent{i}@bench.example", password="!", first_name="Camille", last_name=f"Banc {i}")
        for i in range(start, start + size)
    )
    ActivatorMember.objects.bulk_create(
        ActivatorMember(activator=a, user=u, role=MemberRole.REFERENT, job_title="Consultant")
        for a, u in zip(created, users, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {Offer._meta.db_table} (activator_id, domain, service_kind) VALUES (%s, %s, %s)",
            [
                (a.pk, o.domain, o.service_kind)
                for a, offers in zip(created, offers_by_index, strict=True)
                for o in offers
            ],
        )
    return slugs
