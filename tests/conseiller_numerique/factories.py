"""Places and people of the service for tests: communes with chosen centres, candidates, structures."""

import datetime
import itertools

from django.utils import timezone

from relais.companies.registry import EstablishmentResult
from relais.conseiller_numerique.enums import CandidateStatus, StructureStatus
from relais.conseiller_numerique.matching import territory_of
from relais.conseiller_numerique.models import Candidate, HostStructure
from relais.organizations.models import Organization
from relais.territories.models import Commune, Department, PostalCode, Region

_numbers = itertools.count(1)


def _base36(number: int, width: int) -> str:
    digits = ""
    for _ in range(width):
        number, rest = divmod(number, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + digits
    return digits


def department(code: str = "69") -> Department:
    region, _ = Region.objects.get_or_create(insee_code="R" + code[:2], defaults={"name": f"Région {code}"})
    found, _ = Department.objects.get_or_create(
        insee_code=code, defaults={"name": f"Département {code}", "region": region}
    )
    return found


def commune(
    latitude: float, longitude: float, *, department_code: str = "69", name: str = "", postal_code: str = ""
) -> Commune:
    number = next(_numbers)
    dept = department(department_code)
    created = Commune.objects.create(
        insee_code=(department_code + _base36(number, 5 - len(department_code))),
        name=name or f"Commune {number}",
        search_name=(name or f"commune {number}").lower(),
        department=dept,
        region=dept.region,
        latitude=latitude,
        longitude=longitude,
        population=1000,
    )
    if postal_code:
        PostalCode.objects.create(code=postal_code, commune=created)
    return created


def candidate(
    place: Commune,
    *,
    radius: int = 20,
    available_from: datetime.date | None = None,
    status: str = CandidateStatus.AVAILABLE,
    confirmed: bool = True,
    **fields,
) -> Candidate:
    number = next(_numbers)
    values = {
        "first_name": "Camille",
        "last_name": f"Candidat {number}",
        "email": f"candidat{number}@exemple.fr",
        "phone": "0612345678",
        "commune": place,
        "territory": territory_of(place.department.insee_code),
        "latitude": place.latitude,
        "longitude": place.longitude,
        "is_job_seeker": True,
        "available_from": available_from or timezone.localdate(),
        "max_distance_km": radius,
        "motivation": "Accompagner les personnes éloignées du numérique.",
        "status": status,
        "confirmed_at": timezone.now() if confirmed else None,
    }
    values.update(fields)
    return Candidate.objects.create(**values)


def luhn_complete(digits: str) -> str:
    """`digits` followed by the Luhn check digit (SIREN and SIRET numbers)."""
    for check in "0123456789":
        number = digits + check
        total = 0
        for index, char in enumerate(reversed(number)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return number
    raise AssertionError


def organization(siren: str | None = None) -> Organization:
    number = next(_numbers)
    return Organization.objects.get_or_create(
        siren=siren or luhn_complete(f"{90000000 + number}"), defaults={"name": f"Organisation {number}"}
    )[0]


def structure(
    place: Commune,
    *,
    mission_start: datetime.date | None = None,
    status: str = StructureStatus.VALIDATED,
    posts_granted: int = 2,
    org: Organization | None = None,
    **fields,
) -> HostStructure:
    number = next(_numbers)
    org = org or organization()
    values = {
        "organization": org,
        "kind": "commune",
        "siret": luhn_complete(f"{org.siren}{number % 10000:04d}"),
        "name": f"Structure {number}",
        "commune": place,
        "territory": territory_of(place.department.insee_code),
        "department": place.department,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "mission_start": mission_start or timezone.localdate() + datetime.timedelta(days=30),
        "posts_wanted": posts_granted or 1,
        "posts_granted": posts_granted,
        "motivation": "Ouvrir un espace public numérique.",
        "contact_first_name": "Dominique",
        "contact_last_name": "Contact",
        "contact_function": "Directrice",
        "contact_email": f"contact{number}@structure.fr",
        "contact_phone": "0478000000",
        "status": status,
        "confirmed_at": timezone.now(),
    }
    values.update(fields)
    return HostStructure.objects.create(**values)


def establishment(siret: str = "84215937800012", **fields) -> EstablishmentResult:
    return EstablishmentResult(
        siret=siret, company_name="Soierie Lyonnaise", address="1 rue de la Soie", postal_code="69001", **fields
    )
