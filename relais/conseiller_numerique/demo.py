"""Demo data of Conseiller numérique: ~300 candidates and ~40 structures in the Rhône, the Loire, the Isère, Paris,
the Bouches-du-Rhône and Guadeloupe, in every status; advisors in post with their places (one opposes publication);
a national account, a prefecture account (Rhône), a structure account and a candidate account."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.core.demo import DEMO_PASSWORD
from relais.organizations.catalogue import load_digital_services
from relais.organizations.models import Organization
from relais.territories.models import Commune, Department, PostalCode, Region
from relais.territories.names import normalize_name

from . import matching, services
from .enums import (
    AgentKind,
    CandidateStatus,
    Distance,
    MatchStatus,
    Opinion,
    PlaceAccess,
    StructureKind,
    StructureStatus,
)
from .models import ActivityPlace, Agent, Candidate, HostStructure, MatchStatusChange, PrefectOpinion, RecruitmentMatch

NATIONAL = "equipe.nationale@cn.relais.test"
PREFECTURE = "prefecture.rhone@cn.relais.test"
STRUCTURE = "recrutement@villeurbanne.cn.relais.test"
CANDIDATE = "candidate@cn.relais.test"
ADVISOR = "conseiller@cn.relais.test"
OPPOSED = "conseillere.discrete@cn.relais.test"

REGIONS = {"84": "Auvergne-Rhône-Alpes", "11": "Île-de-France", "93": "Provence-Alpes-Côte d'Azur", "01": "Guadeloupe"}
DEPARTMENTS = {
    "69": ("Rhône", "84"),
    "42": ("Loire", "84"),
    "38": ("Isère", "84"),
    "75": ("Paris", "11"),
    "13": ("Bouches-du-Rhône", "93"),
    "971": ("Guadeloupe", "01"),
}
# insee, name, postal code, latitude, longitude
COMMUNES = [
    ("69123", "Lyon", "69001", 45.7578, 4.8320),
    ("69266", "Villeurbanne", "69100", 45.7719, 4.8902),
    ("69259", "Vénissieux", "69200", 45.6975, 4.8867),
    ("69029", "Bron", "69500", 45.7386, 4.9131),
    ("69264", "Villefranche-sur-Saône", "69400", 45.9899, 4.7189),
    ("69256", "Vaulx-en-Velin", "69120", 45.7786, 4.9219),
    ("42218", "Saint-Étienne", "42000", 45.4397, 4.3872),
    ("42187", "Roanne", "42300", 46.0367, 4.0683),
    ("38185", "Grenoble", "38000", 45.1885, 5.7245),
    ("38563", "Vienne", "38200", 45.5255, 4.8742),
    ("75056", "Paris", "75001", 48.8566, 2.3522),
    ("13055", "Marseille", "13001", 43.2965, 5.3698),
    ("13001", "Aix-en-Provence", "13100", 43.5297, 5.4474),
    ("97120", "Pointe-à-Pitre", "97110", 16.2411, -61.5331),
    ("97101", "Les Abymes", "97139", 16.2710, -61.5044),
    ("97105", "Basse-Terre", "97100", 15.9985, -61.7261),
]
FIRST_NAMES = [
    "Camille",
    "Dominique",
    "Alix",
    "Sacha",
    "Yanis",
    "Inès",
    "Léa",
    "Hugo",
    "Nadia",
    "Karim",
    "Maëlle",
    "Tom",
]
LAST_NAMES = ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent"]


def _luhn(digits: str) -> str:
    for check in "0123456789":
        number = digits + check
        total = sum(
            (value - 9 if value > 9 else value)
            for value in (int(char) * (2 if index % 2 else 1) for index, char in enumerate(reversed(number)))
        )
        if total % 10 == 0:
            return number
    raise ValueError(digits)


def _communes() -> list[Commune]:
    """The demo's communes: those of the referential when it is loaded, else created with their real centres."""
    found = []
    for insee, name, postal, latitude, longitude in COMMUNES:
        commune = Commune.objects.filter(insee_code=insee).select_related("department").first()
        if commune is None:
            code = insee[:3] if insee.startswith("97") else insee[:2]
            department_name, region_code = DEPARTMENTS[code]
            region, _ = Region.objects.get_or_create(insee_code=region_code, defaults={"name": REGIONS[region_code]})
            department, _ = Department.objects.get_or_create(
                insee_code=code, defaults={"name": department_name, "region": region}
            )
            commune = Commune.objects.create(
                insee_code=insee,
                name=name,
                search_name=normalize_name(name),
                department=department,
                region=department.region,
                latitude=latitude,
                longitude=longitude,
            )
            PostalCode.objects.create(code=postal, commune=commune)
        if commune.latitude is not None:
            found.append(commune)
    return found


def _user(email: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _candidate(rng: random.Random, number: int, commune: Commune, **fields) -> Candidate:
    today = timezone.localdate()
    values = {
        "first_name": rng.choice(FIRST_NAMES),
        "last_name": rng.choice(LAST_NAMES),
        "email": f"candidat{number}@demo.cn.relais.test",
        "phone": f"+336{number:08d}",
        "commune": commune,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "territory": matching.territory_of(commune.department.insee_code),
        "is_job_seeker": rng.random() < 0.6,
        "is_employed": rng.random() < 0.3,
        "is_in_training": rng.random() < 0.2,
        "has_diploma": rng.random() < 0.3,
        "has_experience": rng.random() < 0.5,
        "available_from": today + datetime.timedelta(days=rng.randint(0, 120)),
        "max_distance_km": rng.choice(Distance.values),
        "motivation": "Je souhaite accompagner les habitants de mon territoire dans leurs usages du numérique.",
        "status": CandidateStatus.AVAILABLE,
        "confirmed_at": timezone.now() - datetime.timedelta(days=rng.randint(1, 200)),
    }
    if not (values["is_job_seeker"] or values["is_employed"] or values["is_in_training"]):
        values["is_job_seeker"] = True
    if values["has_diploma"]:
        values["diploma_name"] = "Titre professionnel Responsable d'espace de médiation numérique"
    if rng.random() < 0.5:
        values.update(
            pix_level=rng.choice([1, 2, 3]),
            pix_date=today - datetime.timedelta(days=30),
            pix_scores=[rng.randint(10, 60) for _ in range(3)],
            pix_shared=rng.random() < 0.7,
        )
    values.update(fields)
    return Candidate.objects.create(**values)


def _structure(rng: random.Random, number: int, commune: Commune, status: str, **fields) -> HostStructure:
    siren = _luhn(f"{91000000 + number:08d}")
    organization, _ = Organization.objects.get_or_create(siren=siren, defaults={"name": f"Organisation démo {number}"})
    granted = rng.randint(1, 4) if status == StructureStatus.VALIDATED else 0
    values = {
        "organization": organization,
        "kind": rng.choice(StructureKind.values),
        "siret": _luhn(f"{siren}0001"),
        "name": f"Espace numérique {commune.name} {number} (démo)",
        "address": f"{number} place de la Mairie",
        "commune": commune,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "territory": matching.territory_of(commune.department.insee_code),
        "department": commune.department,
        "mission_start": timezone.localdate() + datetime.timedelta(days=rng.randint(-60, 120)),
        "posts_wanted": max(granted, rng.randint(1, 4)),
        "posts_granted": granted,
        "motivation": "Ouvrir des permanences d'accompagnement au numérique dans nos quartiers.",
        "contact_first_name": rng.choice(FIRST_NAMES),
        "contact_last_name": rng.choice(LAST_NAMES),
        "contact_function": "Responsable de l'action sociale",
        "contact_email": f"contact{number}@demo.cn.relais.test",
        "contact_phone": "+33478000000",
        "status": status,
        "confirmed_at": None if status == StructureStatus.UNCONFIRMED else timezone.now(),
    }
    values.update(fields)
    return HostStructure.objects.create(**values)


def _recruit(structure: HostStructure, candidate: Candidate, status: str, actor: User | None) -> RecruitmentMatch:
    today = timezone.localdate()
    match = RecruitmentMatch.objects.create(structure=structure, candidate=candidate, status=status)
    if status in (MatchStatus.VALIDATED, MatchStatus.RECRUITED, MatchStatus.RUPTURED):
        match.contract_type, match.contract_start = "cdd", today - datetime.timedelta(days=60)
        match.contract_end, match.gross_salary = today + datetime.timedelta(days=600), Decimal("1950.00")
    if status in (MatchStatus.RECRUITED, MatchStatus.RUPTURED):
        match.recruited_at = timezone.now() - datetime.timedelta(days=60)
        candidate.status = CandidateStatus.RECRUITED if status == MatchStatus.RECRUITED else CandidateStatus.AVAILABLE
        candidate.save(update_fields=["status"])
    if status == MatchStatus.RUPTURED:
        match.rupture_date, match.rupture_reason = today - datetime.timedelta(days=5), "demission"
    match.save()
    MatchStatusChange.objects.create(match=match, from_status=MatchStatus.NEW, to_status=status, actor=actor)
    return match


@transaction.atomic
def load_demo() -> None:
    load_digital_services()
    national = _user(NATIONAL, "Claire", "Équipe nationale")
    prefect = _user(PREFECTURE, "Paul", "Préfecture du Rhône")
    member = _user(STRUCTURE, "Sophie", "Villeurbanne")
    if HostStructure.objects.filter(name__endswith="(démo)").exists():
        return
    rng = random.Random(2026)
    communes = _communes()
    by_insee = {commune.insee_code: commune for commune in communes}
    Agent.objects.get_or_create(user=national, defaults={"kind": AgentKind.NATIONAL})
    Agent.objects.get_or_create(
        user=prefect, defaults={"kind": AgentKind.PREFECTURE, "department": by_insee["69266"].department}
    )

    statuses = (
        [StructureStatus.VALIDATED] * 22
        + [StructureStatus.CREATED] * 6
        + [StructureStatus.COMPLEMENTARY_EXAMINATION] * 3
        + [
            StructureStatus.REFUSED,
            StructureStatus.REFUSED,
            StructureStatus.ABANDONED,
            StructureStatus.CANCELLED,
            StructureStatus.DUPLICATE,
            StructureStatus.UNCONFIRMED,
            StructureStatus.UNCONFIRMED,
        ]
    )
    villeurbanne = _structure(
        rng,
        0,
        by_insee["69266"],
        StructureStatus.VALIDATED,
        name="Ville de Villeurbanne (démo)",
        posts_granted=4,
        posts_wanted=4,
        # Its next posts start in six weeks: the demo candidates available by then are listed (about a third of
        # those around it; with a mission already started, only those available today would be).
        mission_start=timezone.localdate() + datetime.timedelta(days=42),
        contact_email=STRUCTURE,
        contact_first_name="Sophie",
        contact_last_name="Villeurbanne",
    )
    services.grant_structure_access(structure=villeurbanne, user=member, actor=None)
    structures = [villeurbanne]
    for number, status in enumerate(statuses, start=1):
        commune = communes[number % len(communes)] if number > 3 else by_insee["97120"]
        structures.append(_structure(rng, number, commune, status))
    for structure in structures[1:12]:
        if structure.status not in (StructureStatus.UNCONFIRMED,):
            PrefectOpinion.objects.create(
                structure=structure,
                opinion=rng.choice(Opinion.values),
                author=prefect,
                comment="Structure connue des services de l'État, projet cohérent avec le territoire.",
            )

    weights = [6, 5, 3, 3, 2, 3, 4, 2, 3, 2, 4, 3, 2, 2, 2, 1]
    candidates = []
    for number in range(300):
        commune = rng.choices(communes, weights=weights[: len(communes)])[0]
        roll = rng.random()
        if roll < 0.06:
            fields = {"status": CandidateStatus.UNCONFIRMED, "confirmed_at": None}
        elif roll < 0.14:
            fields = {"status": CandidateStatus.UNAVAILABLE}
        else:
            fields = {}
        candidates.append(_candidate(rng, number, commune, **fields))

    candidate_user = _user(CANDIDATE, "Inès", "Candidate")
    _candidate(
        rng,
        1000,
        by_insee["69123"],
        email=CANDIDATE,
        user=candidate_user,
        first_name="Inès",
        last_name="Candidate",
        max_distance_km=20,
        available_from=timezone.localdate(),
    )

    advisor_user = _user(ADVISOR, "Hugo", "Conseiller")
    advisor = _candidate(
        rng,
        1001,
        by_insee["69266"],
        email=ADVISOR,
        user=advisor_user,
        first_name="Hugo",
        last_name="Conseiller",
        professional_email="hugo.conseiller@villeurbanne.demo.fr",
    )
    _recruit(villeurbanne, advisor, MatchStatus.RECRUITED, member)
    opposed_user = _user(OPPOSED, "Nadia", "Discrète")
    opposed = _candidate(
        rng,
        1002,
        by_insee["69266"],
        email=OPPOSED,
        user=opposed_user,
        first_name="Nadia",
        last_name="Discrète",
        opposes_publication=True,
    )
    _recruit(villeurbanne, opposed, MatchStatus.RECRUITED, member)
    for person, name, commune, access in (
        (advisor, "Médiathèque du Tonkin", by_insee["69266"], PlaceAccess.FREE),
        (advisor, "Centre social des Buers", by_insee["69266"], PlaceAccess.APPOINTMENT),
        (opposed, "Maison des services au public", by_insee["69266"], PlaceAccess.FREE),
    ):
        ActivityPlace.objects.create(
            advisor=person,
            name=name,
            address="1 rue de la République",
            commune=commune,
            access=access,
            opening_hours="Du mardi au samedi, 9 h – 12 h et 14 h – 18 h",
        )

    validated = [s for s in structures[1:] if s.status == StructureStatus.VALIDATED]
    available = [c for c in candidates if c.status == CandidateStatus.AVAILABLE]
    rng.shuffle(available)
    for structure in validated[:10]:
        for status in (
            MatchStatus.PRESELECTED,
            MatchStatus.NOT_RETAINED,
            MatchStatus.VALIDATED,
            MatchStatus.RECRUITED,
            MatchStatus.RUPTURED,
        ):
            if not available:
                break
            person = available.pop()
            _recruit(structure, person, status, None)
            if status == MatchStatus.RECRUITED:
                ActivityPlace.objects.create(
                    advisor=person,
                    name=f"Permanence numérique {structure.commune.name}",
                    address=structure.address,
                    commune=structure.commune,
                )
    for person in available[:4]:
        _recruit(villeurbanne, person, MatchStatus.PRESELECTED, member)
    transaction.on_commit(matching.rebuild_pairs)


def demo_accounts() -> list[tuple[str, str]]:
    return [
        (NATIONAL, "Conseiller numérique : équipe nationale (ANCT), décisions et tableau de bord"),
        (PREFECTURE, "Conseiller numérique : préfecture du Rhône (avis, tableau de bord)"),
        (STRUCTURE, "Conseiller numérique : structure accueillante (Ville de Villeurbanne, candidats)"),
        (CANDIDATE, "Conseiller numérique : candidate (Lyon, 20 km)"),
        (ADVISOR, "Conseiller numérique : conseiller en poste (lieux d'activité, carte)"),
        (OPPOSED, "Conseiller numérique : conseillère opposée à la publication de son nom"),
    ]
