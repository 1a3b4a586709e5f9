"""Structures for the tests, written directly (the services are what the tests exercise)."""

import io

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from relais.francenum.enums import Category, Domain, Kind, MemberRole, ServiceKind, Status
from relais.francenum.models import Activator, ActivatorMember, Offer, RegionalReviewer
from relais.francenum.permissions import REVIEWERS_GROUP
from relais.francenum.services.publication import refresh_index, unique_slug
from relais.francenum.services.review import ENGAGEMENT
from relais.territories.models import Commune, Department, Region
from tests.accounts.factories import UserFactory


def place(
    insee="69123",
    name="Lyon",
    department=("69", "Rhône"),
    region=("84", "Auvergne-Rhône-Alpes"),
    latitude=45.76,
    longitude=4.84,
    postal_code="69001",
) -> Commune:
    region_obj, _ = Region.objects.get_or_create(insee_code=region[0], defaults={"name": region[1]})
    department_obj, _ = Department.objects.get_or_create(
        insee_code=department[0], defaults={"name": department[1], "region": region_obj}
    )
    commune, _ = Commune.objects.get_or_create(
        insee_code=insee,
        defaults={
            "name": name,
            "search_name": name.lower(),
            "department": department_obj,
            "region": region_obj,
            "latitude": latitude,
            "longitude": longitude,
            "population": 1000,
        },
    )
    commune.postal_code_links.get_or_create(code=postal_code)
    return commune


def lyon() -> Commune:
    return place()


def paris() -> Commune:
    return place("75056", "Paris", ("75", "Paris"), ("11", "Île-de-France"), 48.86, 2.35, "75001")


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(output, format="PNG")
    return output.getvalue()


def activator(
    *,
    name="Conseil Numérique Lyon",
    commune=None,
    status=Status.VALIDATED,
    referent=None,
    offers=((Domain.WEBSITE, ServiceKind.ADVICE),),
    serves_france=False,
    **fields,
) -> Activator:
    commune = commune or lyon()
    now = timezone.now()
    created = Activator.objects.create(
        name=name,
        slug=unique_slug(name),
        kind=fields.pop("kind", Kind.CONSULTANT),
        category=fields.pop("category", Category.PRIVATE),
        status=status,
        commune=commune,
        department=commune.department,
        region=commune.region,
        latitude=commune.latitude,
        longitude=commune.longitude,
        postal_code=fields.pop("postal_code", "69001"),
        city=commune.name,
        siret=fields.pop("siret", "73282932000074"),
        description=fields.pop("description", "Accompagnement des TPE dans leur stratégie numérique."),
        serves_france=serves_france,
        head_name="Claire Martin",
        head_function="Gérante",
        head_email="gerante@exemple.fr",
        head_approved_on=now.date(),
        obligations_declared=True,
        submitted_at=now,
        validated_at=now if status in (Status.VALIDATED, Status.SUSPENDED) else None,
        engaged_at=now if status in (Status.VALIDATED, Status.SUSPENDED) else None,
        engagement_ends_at=now + ENGAGEMENT if status in (Status.VALIDATED, Status.SUSPENDED) else None,
        **fields,
    )
    created.served_departments.add(commune.department)
    Offer.objects.bulk_create(Offer(activator=created, domain=d, service_kind=k) for d, k in offers)
    if referent is not None:
        ActivatorMember.objects.create(activator=created, user=referent, role=MemberRole.REFERENT)
    refresh_index(activator=created)
    return created


def with_member(structure: Activator, **user_fields) -> ActivatorMember:
    return ActivatorMember.objects.create(activator=structure, user=UserFactory(**user_fields))


def national_reviewer(**user_fields):
    user = UserFactory(**user_fields)
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return user


def regional_reviewer(region: Region, **user_fields):
    user = UserFactory(**user_fields)
    RegionalReviewer.objects.create(user=user, region=region)
    return user


def logo_file() -> ContentFile:
    return ContentFile(png_bytes(), name="logo.png")
