"""Pre-registration (seed 002 art. 3): the account (accounts app), the structure's information, the charter."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.companies.registry import RegistryUnavailable, get_registry
from relais.legal.services import accept_terms, current_terms
from relais.notifications.services import queue_email
from relais.territories.models import Commune

from .. import website_check
from ..enums import EDITABLE, EventKind, MemberRole, Status
from ..models import Activator, ActivatorMember, Offer
from .publication import after_change, unique_slug
from .transitions import change_status, log_event

CHARTER_SCOPE = "francenum"
SIX_MONTHS = relativedelta(months=6)


def complete_account(*, user: User) -> User:
    """Step 2 done without the Portail's company step: the activator's structure is entered in step 3 (and may
    have no SIRET). The portal's terms are accepted with it, as the Portail's own last step does."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        portal_terms = current_terms("portail")
        if portal_terms is not None:
            accept_terms(user=user, versions=[portal_terms])
        if user.signup_completed_at is None:
            user.signup_completed_at = timezone.now()
            user.save(update_fields=["signup_completed_at"])
    return user


def application_of(user: User) -> Activator | None:
    """The structure `user` is a member of (active or suspended), or the application they started."""
    membership = (
        ActivatorMember.objects.filter(user=user)
        .exclude(status="left")
        .exclude(activator__status__in=[Status.REFUSED, Status.CANCELLED])
        .select_related("activator")
        .order_by("-created_at")
        .first()
    )
    return membership.activator if membership else None


@dataclass(frozen=True)
class SiretCheck:
    siret: str
    found: bool
    name: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    commune_insee_code: str = ""
    active: bool | None = None
    creation_date: date | None = None
    unavailable: bool = False

    @property
    def older_than_six_months(self) -> bool | None:
        if self.creation_date is None:
            return None
        return self.creation_date <= timezone.localdate() - SIX_MONTHS

    def as_dict(self) -> dict:
        return {
            "siret": self.siret,
            "trouve": self.found,
            "nom": self.name,
            "adresse": self.address,
            "code_postal": self.postal_code,
            "ville": self.city,
            "commune": self.commune_insee_code,
            "actif": self.active,
            "date_creation": self.creation_date.isoformat() if self.creation_date else None,
            "indisponible": self.unavailable,
        }


def lookup_siret(siret: str) -> SiretCheck:
    """Name, address, active establishment and creation date from the companies client."""
    registry = get_registry()
    try:
        establishment = registry.get_establishment(siret)
        company = registry.get_company(siret[:9]) if establishment else None
    except RegistryUnavailable:
        return SiretCheck(siret=siret, found=False, unavailable=True)
    if establishment is None:
        return SiretCheck(siret=siret, found=False)
    return SiretCheck(
        siret=siret,
        found=True,
        name=establishment.label,
        address=establishment.address,
        postal_code=establishment.postal_code,
        city=establishment.commune_name,
        commune_insee_code=establishment.commune_insee_code,
        active=establishment.is_active and (company.is_active if company else True),
        creation_date=company.creation_date if company else None,
    )


def start_application(*, user: User, name: str, kind: str) -> Activator:
    """Step 3 begins: the structure exists as a draft with its referent."""
    with transaction.atomic():
        existing = application_of(user)
        if existing is not None:
            return existing
        activator = Activator.objects.create(name=name, kind=kind, slug=unique_slug(name))
        ActivatorMember.objects.create(activator=activator, user=user, role=MemberRole.REFERENT)
        log_event(activator=activator, kind=EventKind.CREATED, actor=user)
    return activator


def save_information(
    *, activator: Activator, actor: User, data: dict, domains_kinds: list[tuple[str, str]]
) -> Activator:
    """Store the structure's information (step 3, or later edits of a published profile)."""
    if activator.status not in EDITABLE:
        raise ValidationError("Les informations de cette structure ne peuvent plus être modifiées.")
    m2m = {name: data.pop(name) for name in ("served_regions", "served_departments", "served_communes") if name in data}
    with transaction.atomic():
        activator = Activator.objects.select_for_update().get(pk=activator.pk)
        for name, value in data.items():
            setattr(activator, name, value)
        commune = activator.commune
        if commune is not None:
            activator.department_id, activator.region_id = commune.department_id, commune.region_id
            activator.latitude, activator.longitude = commune.latitude, commune.longitude
            activator.city = activator.city or commune.name
        elif activator.is_foreign:
            activator.department = activator.region = None
            activator.latitude = activator.longitude = None
        if activator.siret and not activator.is_foreign:
            check = lookup_siret(activator.siret)
            activator.company_check = check.as_dict()
            if check.creation_date:
                activator.creation_date = check.creation_date
        else:
            activator.company_check = {}
        found = website_check.check_website(activator.website)
        activator.legal_check, activator.legal_check_details = found.result, found.as_dict()
        activator.save()
        for name, value in m2m.items():
            getattr(activator, name).set(value)
        Offer.objects.filter(activator=activator).delete()
        Offer.objects.bulk_create(
            Offer(activator=activator, domain=domain, service_kind=kind)
            for domain, kind in dict.fromkeys(domains_kinds)
        )
        if activator.status == Status.AWAITING_ANSWER:
            change_status(
                activator=activator,
                to_status=Status.SUBMITTED,
                actor=actor,
                kind=EventKind.ANSWERED,
                reason="Informations de la structure modifiées.",
            )
        else:
            after_change(activator=activator)
    return activator


def commune_from_code(code: str) -> Commune | None:
    return Commune.objects.filter(insee_code=code).first() if code else None


def missing_information(activator: Activator) -> list[str]:
    """What step 3 still lacks before the charter can be accepted and the application sent."""
    missing = []
    if not activator.is_foreign and not activator.siret:
        missing.append("le SIRET (ou l'indication d'une structure sans SIRET)")
    if activator.is_foreign and not (activator.foreign_identifier and activator.foreign_proof):
        missing.append("le numéro d'identification et la pièce justificative de la structure sans SIRET")
    if not activator.is_foreign and activator.commune_id is None:
        missing.append("la commune de la structure")
    if not activator.offers.exists():
        missing.append("au moins une offre (domaine et type de prestation)")
    if not (activator.serves_france or activator.serves_remote or activator.area_codes.strip()):
        missing.append("la zone d'intervention")
    if not (activator.head_name and activator.head_function and activator.head_approved_on):
        missing.append("l'accord du responsable de la structure")
    if not activator.obligations_declared:
        missing.append("la déclaration sur les obligations sociales et fiscales")
    return missing


def submit_application(*, activator: Activator, actor: User, request=None) -> Activator:
    """Step 4: the referent accepts the charter in force and sends the application."""
    charter = current_terms(CHARTER_SCOPE)
    if missing := missing_information(activator):
        raise ValidationError("Il manque : " + " ; ".join(missing) + ".")
    with transaction.atomic():
        if charter is not None:
            accept_terms(user=actor, versions=[charter])
        activator = change_status(
            activator=activator, to_status=Status.SUBMITTED, actor=actor, kind=EventKind.SUBMITTED, request=request
        )
        queue_email(
            to=[actor.email],
            template="francenum/emails/application_received",
            context={"activator": activator},
        )
    return activator
