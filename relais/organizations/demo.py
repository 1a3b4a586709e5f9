"""Demo organisations (the demo companies of relais.companies), their access managers, members, a third-party
declarant and pending access requests."""

from django.db import transaction

from relais.accounts.demo import TWO_FACTOR_HINT, ensure_demo_second_factor
from relais.accounts.models import User
from relais.core.demo import DEMO_PASSWORD

from . import services
from .catalogue import load_digital_services
from .enums import MembershipRole
from .models import AccessRequest, AccessRight, DigitalService, Membership, ServiceRight

SOIERIE = "842159378"  # ATELIER SOIERIE CROIX-ROUSSE
BOULANGERIE = "793402561"  # BOULANGERIE DU FAUBOURG
FILATURE = "881035273"  # FILATURE NUMÉRIQUE DU NORD: the accounting firm acting for the two others

# (email, first name, last name, role shown to the person who runs the demo, SIREN)
DEMO_ACCOUNTS = [
    (
        "responsable.acces@relais.test",
        "Camille",
        "Rivoire",
        "Responsable des accès (Atelier Soierie, DECA, EDOF)",
        SOIERIE,
    ),
    (
        "membre@relais.test",
        "Louis",
        "Perrin",
        "Membre sans habilitation (Atelier Soierie), demande en attente",
        SOIERIE,
    ),
    ("salarie@relais.test", "Nadia", "Morel", "Membre avec habilitations (Atelier Soierie, DECA)", SOIERIE),
    (
        "tiers.declarant@relais.test",
        "Thomas",
        "Vandamme",
        "Tiers déclarant (Filature Numérique pour Atelier Soierie)",
        FILATURE,
    ),
    (
        "boulangerie@relais.test",
        "Karim",
        "Benali",
        "Responsable des accès (Boulangerie du Faubourg, DECA)",
        BOULANGERIE,
    ),
    ("admin.applicatif@relais.test", "Agnès", "Dgefp", "Administratrice applicative de DECA", ""),
]


SECOND_FACTOR_ACCOUNTS = ("responsable.acces@relais.test", "boulangerie@relais.test")


def _user(email: str) -> User:
    first_name, last_name = next((first, last) for mail, first, last, _role, _siren in DEMO_ACCOUNTS if mail == email)
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _rights(service: DigitalService, *codes: str) -> list[ServiceRight]:
    return list(service.rights.filter(code__in=codes))


@transaction.atomic
def load_demo() -> None:
    load_digital_services()
    deca = DigitalService.objects.get(slug="deca")
    edof = DigitalService.objects.get(slug="edof")
    users = {email: _user(email) for email, *_rest in DEMO_ACCOUNTS}
    memberships = {
        email: services.join_organization(user=users[email], siren=siren)
        for email, _first, _last, _role, siren in DEMO_ACCOUNTS
        if siren
    }
    manager = users["responsable.acces@relais.test"]
    for service in (deca, edof):
        services.appoint_access_manager(actor=None, membership=memberships[manager.email], service=service)
    services.set_access_rights(
        actor=manager,
        membership=memberships["responsable.acces@relais.test"],
        service=deca,
        rights=_rights(deca, "consultation", "saisie", "validation"),
    )
    services.appoint_access_manager(actor=None, membership=memberships["boulangerie@relais.test"], service=deca)
    if not AccessRight.objects.filter(membership=memberships["salarie@relais.test"], service=deca).exists():
        services.set_access_rights(
            actor=manager,
            membership=memberships["salarie@relais.test"],
            service=deca,
            rights=_rights(deca, "consultation", "saisie"),
        )

    declarant = users["tiers.declarant@relais.test"]
    soierie = memberships[manager.email].organization
    declarant_membership, _created = Membership.objects.get_or_create(
        user=declarant,
        organization=soierie,
        defaults={
            "role": MembershipRole.THIRD_PARTY_DECLARANT,
            "declarant_organization": memberships[declarant.email].organization,
        },
    )
    if not AccessRight.objects.filter(membership=declarant_membership, service=deca).exists():
        services.set_access_rights(
            actor=manager, membership=declarant_membership, service=deca, rights=_rights(deca, "saisie")
        )

    member = memberships["membre@relais.test"]
    if not AccessRequest.objects.filter(membership=member).exists():
        services.request_access(
            user=member.user,
            organization=soierie,
            service=deca,
            rights=_rights(deca, "consultation"),
            message="Je prépare les contrats d'apprentissage de la rentrée.",
        )
    deca.application_administrators.add(users["admin.applicatif@relais.test"])
    # Access managers must use a second factor: give them the demo one so that the demo can be played.
    for email in SECOND_FACTOR_ACCOUNTS:
        ensure_demo_second_factor(users[email])


def demo_accounts() -> list[tuple[str, str]]:
    return [
        (email, f"{role} ; {TWO_FACTOR_HINT}" if email in SECOND_FACTOR_ACCOUNTS else role)
        for email, _first, _last, role, _siren in DEMO_ACCOUNTS
    ]
