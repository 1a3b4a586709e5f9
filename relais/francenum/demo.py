"""Demo: about 60 France Num structures in every state across the regions (drafts, applications to review or
waiting for an answer, published, suspended, refused, near the end of their engagement), their members, contacts
acknowledged or overdue, profile views, a national reviewer, a regional reviewer and a referent to sign in as."""

import itertools
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from relais.accounts.models import User
from relais.core.business_time import add_business_hours
from relais.core.demo import DEMO_PASSWORD
from relais.territories.models import Commune, Department, Region

from .enums import Category, ContactStatus, Domain, Kind, MemberRole, ServiceKind, StaffSize, Status
from .models import Activator, ActivatorMember, ContactRequest, Offer, ProfileView, RegionalReviewer, ThreadMessage
from .permissions import REVIEWERS_GROUP
from .services.publication import forget_open_data, refresh_index

REVIEWER = ("instruction.francenum@relais.test", "Nadia", "Instructrice")
REGIONAL_REVIEWER = ("dreets.ara.francenum@relais.test", "Paul", "Régional")
REFERENT = ("activateur@relais.test", "Claire", "Activatrice")

# (INSEE, name, postal code, latitude, longitude, (department), (region))
CITIES = [
    ("69123", "Lyon", "69003", 45.758, 4.835, ("69", "Rhône"), ("84", "Auvergne-Rhône-Alpes")),
    ("42218", "Saint-Étienne", "42000", 45.434, 4.390, ("42", "Loire"), ("84", "Auvergne-Rhône-Alpes")),
    ("38185", "Grenoble", "38000", 45.188, 5.724, ("38", "Isère"), ("84", "Auvergne-Rhône-Alpes")),
    ("75056", "Paris", "75011", 48.857, 2.352, ("75", "Paris"), ("11", "Île-de-France")),
    ("13055", "Marseille", "13001", 43.296, 5.370, ("13", "Bouches-du-Rhône"), ("93", "Provence-Alpes-Côte d'Azur")),
    ("33063", "Bordeaux", "33000", 44.838, -0.579, ("33", "Gironde"), ("75", "Nouvelle-Aquitaine")),
    ("59350", "Lille", "59000", 50.629, 3.057, ("59", "Nord"), ("32", "Hauts-de-France")),
    ("35238", "Rennes", "35000", 48.111, -1.680, ("35", "Ille-et-Vilaine"), ("53", "Bretagne")),
    ("31555", "Toulouse", "31000", 43.605, 1.444, ("31", "Haute-Garonne"), ("76", "Occitanie")),
    ("44109", "Nantes", "44000", 47.218, -1.554, ("44", "Loire-Atlantique"), ("52", "Pays de la Loire")),
    ("67482", "Strasbourg", "67000", 48.573, 7.752, ("67", "Bas-Rhin"), ("44", "Grand Est")),
    ("21231", "Dijon", "21000", 47.322, 5.041, ("21", "Côte-d'Or"), ("27", "Bourgogne-Franche-Comté")),
]
PREFIXES = ["Agence", "Studio", "Conseil", "Atelier", "Cabinet", "Collectif"]
WORDS = ["Pixel", "Horizon", "Numérique", "Boussole", "Déclic", "Rebond", "Cap Digital", "Web Local", "Azur", "Ancre"]
FIRST_NAMES = ["Camille", "Julien", "Sarah", "Karim", "Léa", "Thomas", "Inès", "Hugo", "Chloé", "Mehdi"]
LAST_NAMES = ["Bernard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Michel", "Garcia", "Roux"]
# 60 structures: (status, how many)
PLAN = [
    (Status.VALIDATED, 38),
    (Status.SUBMITTED, 6),
    (Status.AWAITING_ANSWER, 4),
    (Status.DRAFT, 4),
    (Status.REFUSED, 3),
    (Status.SUSPENDED, 3),
    (Status.CANCELLED, 2),
]


def _commune(insee, name, postal_code, latitude, longitude, department, region) -> Commune:
    """The referential's commune when it is loaded (make run loads it), else the few the demo needs."""
    found = Commune.objects.filter(insee_code=insee).first()
    if found is not None:
        return found
    region_obj, _ = Region.objects.get_or_create(insee_code=region[0], defaults={"name": region[1]})
    department_obj, _ = Department.objects.get_or_create(
        insee_code=department[0], defaults={"name": department[1], "region": region_obj}
    )
    commune = Commune.objects.create(
        insee_code=insee,
        name=name,
        search_name=name.lower(),
        department=department_obj,
        region=region_obj,
        latitude=latitude,
        longitude=longitude,
        population=100_000,
    )
    commune.postal_code_links.create(code=postal_code)
    return commune


def _account(email: str, first_name: str, last_name: str, *, password: bool) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    if created:
        if password:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo() -> None:
    now = timezone.now()
    reviewer = _account(*REVIEWER, password=True)
    reviewer.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    regional = _account(*REGIONAL_REVIEWER, password=True)
    communes = [_commune(*city) for city in CITIES]
    RegionalReviewer.objects.get_or_create(user=regional, region=communes[0].region)
    statuses = list(itertools.chain.from_iterable([status] * count for status, count in PLAN))
    domains, kinds = list(Domain), list(ServiceKind)
    for n, status in enumerate(statuses):
        commune = communes[n % len(communes)]
        name = f"{PREFIXES[n % len(PREFIXES)]} {WORDS[n % len(WORDS)]} {commune.name}"
        referent = (
            _account(*REFERENT, password=True)
            if n == 0
            else _account(
                f"referent{n}@activateurs.relais.test", FIRST_NAMES[n % 10], LAST_NAMES[(n * 3) % 10], password=False
            )
        )
        validated = status in (Status.VALIDATED, Status.SUSPENDED, Status.CANCELLED)
        # Two published structures near the end of their engagement (reminders at 60, 30 and 7 days).
        ends = now + timedelta(days={1: 25, 2: 55}.get(n, 300 + 10 * n)) if validated else None
        activator, created = Activator.objects.update_or_create(
            slug=f"demo-{n:02d}-{commune.insee_code}",
            defaults={
                "name": name,
                "status": status,
                "kind": list(Kind)[n % len(Kind)],
                "category": Category.PUBLIC
                if list(Kind)[n % len(Kind)] in (Kind.CHAMBER, Kind.PUBLIC_BODY)
                else Category.PRIVATE,
                "address": f"{n + 1} rue de la République",
                "postal_code": commune.postal_codes[0] if commune.postal_codes else "",
                "city": commune.name,
                "commune": commune,
                "department": commune.department,
                "region": commune.region,
                "latitude": commune.latitude,
                "longitude": commune.longitude,
                "staff_size": list(StaffSize)[n % len(StaffSize)],
                "website": f"https://{slugify(name)}.example",
                "description": f"{name} accompagne les TPE et PME de la région {commune.region.name} : "
                f"{domains[n % len(domains)].label.lower()} et {domains[(n + 3) % len(domains)].label.lower()}.",
                "client_references": "Boulangerie du Centre, Garage Martin, Librairie des Arts",
                "serves_france": n % 9 == 0,
                "serves_remote": n % 4 == 0,
                "siret": "",
                "head_name": f"{FIRST_NAMES[(n + 5) % 10]} {LAST_NAMES[n % 10]}",
                "head_function": "Dirigeant",
                "head_email": f"direction{n}@activateurs.relais.test",
                "head_approved_on": (now - timedelta(days=40)).date(),
                "obligations_declared": True,
                "submitted_at": None if status == Status.DRAFT else now - timedelta(days=30 + n),
                "info_requested_at": now - timedelta(days=40 + 20 * n % 60)
                if status == Status.AWAITING_ANSWER
                else None,
                "validated_at": now - timedelta(days=400) if validated else None,
                "engaged_at": now - timedelta(days=400) if validated else None,
                "engagement_ends_at": ends,
                "status_reason": "Pratiques commerciales contestées" if status == Status.SUSPENDED else "",
            },
        )
        activator.served_departments.set([commune.department])
        if n % 5 == 0:
            activator.served_regions.set([commune.region])
        Offer.objects.filter(activator=activator).delete()
        Offer.objects.bulk_create(
            Offer(activator=activator, domain=domains[(n + i) % len(domains)], service_kind=kinds[(n + i) % len(kinds)])
            for i in range(1 + n % 3)
        )
        ActivatorMember.objects.update_or_create(
            activator=activator,
            user=referent,
            defaults={
                "role": MemberRole.REFERENT,
                "job_title": "Consultant",
                "presentation": "Accompagnement sur mesure.",
            },
        )
        if n % 3 == 0:
            colleague = _account(
                f"adherent{n}@activateurs.relais.test",
                FIRST_NAMES[(n + 1) % 10],
                LAST_NAMES[(n + 7) % 10],
                password=False,
            )
            ActivatorMember.objects.get_or_create(
                activator=activator, user=colleague, defaults={"job_title": "Formatrice"}
            )
        if created and status == Status.AWAITING_ANSWER:
            ThreadMessage.objects.create(
                activator=activator,
                author=reviewer,
                from_administration=True,
                is_information_request=True,
                body="Pouvez-vous joindre deux références clients récentes dans la transformation numérique ?",
            )
        if created and status == Status.VALIDATED:
            for months_ago in range(6):
                month = (now - timedelta(days=30 * months_ago)).date().replace(day=1)
                ProfileView.objects.update_or_create(
                    activator=activator, month=month, defaults={"count": 10 + (n * 7 + months_ago * 5) % 40}
                )
            for k in range(n % 3):
                received = now - timedelta(days=3 + 5 * k)
                due = add_business_hours(received, 48)
                acknowledged = k % 2 == 0 and n % 4 != 1
                ContactRequest.objects.create(
                    activator=activator,
                    contact_name=f"{FIRST_NAMES[k]} {LAST_NAMES[n % 10]}",
                    company_name=f"Entreprise cliente {n}-{k}",
                    email=f"client{n}-{k}@entreprise.relais.test",
                    message="Nous souhaitons développer nos ventes en ligne.",
                    created_at=received,
                    due_at=due,
                    reminder_at=add_business_hours(received, 24),
                    reminded_at=add_business_hours(received, 24),
                    status=ContactStatus.ACKNOWLEDGED if acknowledged else ContactStatus.PENDING,
                    acknowledged_at=received + timedelta(hours=3) if acknowledged else None,
                    acknowledged_by=referent if acknowledged else None,
                    breached_at=None if acknowledged else due,
                )
        refresh_index(activator=activator)
    forget_open_data()


def demo_accounts() -> list[tuple[str, str]]:
    return [
        (REVIEWER[0], "Administration France Num : instruction de toutes les régions (/activateurs/administration/)"),
        (REGIONAL_REVIEWER[0], "Instructeur régional France Num, Auvergne-Rhône-Alpes (/activateurs/administration/)"),
        (REFERENT[0], "Référente d'un activateur France Num publié (/activateurs/mon-espace/)"),
    ]
