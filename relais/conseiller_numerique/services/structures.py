"""The structure's workflows: application, confirmation, access of its people, opinion and decisions."""

import contextlib

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from relais.accounts.models import User, UserManager
from relais.organizations.models import DigitalService, Organization, ServiceRight
from relais.organizations.services import (
    NoAccessManager,
    get_or_create_organization,
    join_organization,
    request_access,
)
from relais.organizations.services.common import lock_membership
from relais.organizations.services.rights import apply_rights

from ..catalogue import RECRUITMENT_RIGHT, SERVICE_SLUG
from ..enums import (
    CLOSED_STRUCTURE_STATUSES,
    OPEN_MATCH_STATUSES,
    STRUCTURE_TRANSITIONS,
    Opinion,
    StructureStatus,
)
from ..matching import pair_inputs
from ..models import Agent, HostStructure, PrefectOpinion, RecruitmentMatch, StructureDecision
from ..tasks import structure_changed
from .common import TransitionError, now, place_on, send, sign

STRUCTURE_FIELDS = (
    "kind",
    "mission_start",
    "posts_wanted",
    "motivation",
    "contact_first_name",
    "contact_last_name",
    "contact_function",
    "contact_email",
    "contact_phone",
)


def confirmation_path(structure: HostStructure) -> str:
    from django.urls import reverse

    return reverse("conseiller_numerique:structure_confirm", kwargs={"token": sign("structure", structure.public_id)})


def apply_as_structure(*, data: dict, commune, establishment) -> HostStructure:
    """A new application from the establishment found by its SIRET, to be confirmed by the contact's email."""
    organization = get_or_create_organization(siren=establishment.siren)
    structure = HostStructure(**{name: data[name] for name in STRUCTURE_FIELDS})
    structure.contact_email = UserManager.normalize_email(structure.contact_email)
    structure.organization = organization
    structure.siret = establishment.siret
    structure.name = establishment.label
    structure.address = establishment.full_address
    place_on(structure, commune)
    structure.department = commune.department
    with transaction.atomic():
        structure.save()
        send(
            to=[structure.contact_email],
            template="structure_confirm",
            context={"structure": structure, "link_path": confirmation_path(structure)},
        )
    return structure


def confirm_structure(*, structure: HostStructure) -> HostStructure:
    with transaction.atomic():
        structure = HostStructure.objects.select_for_update().get(pk=structure.pk)
        if structure.status != StructureStatus.UNCONFIRMED:
            return structure
        structure.status = StructureStatus.CREATED
        structure.confirmed_at = structure.last_activity_at = now()
        structure.save(update_fields=["status", "confirmed_at", "last_activity_at", "updated_at"])
        StructureDecision.objects.create(
            structure=structure, from_status=StructureStatus.UNCONFIRMED, to_status=StructureStatus.CREATED
        )
        send(to=[structure.contact_email], template="structure_received", context={"structure": structure})
    return structure


def grant_structure_access(*, structure: HostStructure, user: User, actor: User | None) -> None:
    """The "Conseiller numérique" right of the catalogue, in the structure's organisation; afterwards the
    organisation's access managers manage it as for any digital service."""
    service = DigitalService.objects.get(slug=SERVICE_SLUG)
    right = ServiceRight.objects.get(service=service, code=RECRUITMENT_RIGHT)
    membership = join_organization(user=user, siren=structure.organization.siren)
    with transaction.atomic():
        membership = lock_membership(membership)
        apply_rights(actor=actor, membership=membership, service=service, rights=[right], replace=False, notify=False)


def attach_contact_account(*, structure: HostStructure, password: str | None) -> User:
    """The contact's Relais account (created with this password when their address has none; the confirmation
    link proved the address), and their access to the structure (`give_contact_access`)."""
    user = User.objects.filter(email=structure.contact_email).first()
    if user is None:
        if not password:
            raise TransitionError("Choisissez un mot de passe.")
        validate_password(password)
        user = User.objects.create_user(email=structure.contact_email, password=password, email_verified_at=now())
        user.first_name, user.last_name = structure.contact_first_name, structure.contact_last_name
        user.save(update_fields=["first_name", "last_name"])
    give_contact_access(structure=structure, user=user)
    return user


def give_contact_access(*, structure: HostStructure, user: User) -> bool:
    """The contact's access to the service in the structure's organisation; returns whether they hold it now.

    The right opens every structure of the organisation, with their candidates' contact details and CVs. Given to
    whoever confirms an application, it would open them to anyone who typed the organisation's SIRET and their own
    address. So it is given at once only when the structures it would open (confirmed, this one aside) were all
    applied for from this same address: a new organisation's first contact, whose structure receives candidates only
    once the national team has validated it. Otherwise it is asked of the organisation's access managers, as for
    any digital service (an access request, which they are told of); an organisation without any gets one from the
    service's administrators (an access-manager code), who then gives it."""
    service = DigitalService.objects.get(slug=SERVICE_SLUG)
    right = ServiceRight.objects.get(service=service, code=RECRUITMENT_RIGHT)
    organization = structure.organization
    with transaction.atomic():
        # Two contacts of one organisation confirming at the same instant: one after the other, the second sees the
        # first's structure confirmed.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if HostStructure.objects.of_user(user).filter(pk=structure.pk).exists():
            return True
        others = (
            HostStructure.objects.filter(organization=organization)
            .exclude(pk=structure.pk)
            .exclude(status=StructureStatus.UNCONFIRMED)
            .exclude(contact_email=structure.contact_email)
        )
        if not others.exists():
            grant_structure_access(structure=structure, user=user, actor=None)
            return True
        join_organization(user=user, siren=organization.siren)
        # Without access managers, no request can be made (see above).
        with contextlib.suppress(NoAccessManager):
            request_access(
                user=user,
                organization=organization,
                service=service,
                rights=[right],
                message=f"Contact de la structure « {structure.name} », candidate pour accueillir un conseiller "
                "numérique.",
            )
    return False


def give_opinion(*, actor: User, agent: Agent, structure: HostStructure, opinion: Opinion, comment: str):
    if not (10 <= len(comment.strip()) <= 1000):
        raise TransitionError("Le commentaire doit compter entre 10 et 1 000 caractères.")
    if structure.status == StructureStatus.UNCONFIRMED:
        raise TransitionError("La candidature de cette structure n'est pas encore confirmée.")
    with transaction.atomic():
        result, _created = PrefectOpinion.objects.update_or_create(
            structure=structure, defaults={"opinion": opinion, "comment": comment.strip(), "author": actor}
        )
    return result


def decide(
    *, actor: User, structure: HostStructure, status: StructureStatus, posts_granted: int | None = None, comment=""
) -> HostStructure:
    """A decision of the national team, logged with its author; the structure's pairs follow at once."""
    with transaction.atomic():
        structure = HostStructure.objects.select_for_update().get(pk=structure.pk)
        inputs = pair_inputs(structure)
        previous = StructureStatus(structure.status)
        if status not in STRUCTURE_TRANSITIONS[previous]:
            raise TransitionError(
                f"Une structure au statut « {previous.label} » ne peut pas passer au statut « {status.label} »."
            )
        if status == StructureStatus.VALIDATED:
            if not posts_granted or posts_granted < 1:
                raise TransitionError("Indiquez le nombre de postes accordés (au moins 1).")
            taken = structure.matches.filter(status__in=("validated", "recruited")).count()
            if posts_granted < taken:
                raise TransitionError(f"La structure a déjà {taken} candidature(s) validée(s) ou recrutée(s).")
            structure.posts_granted = posts_granted
        structure.status = status
        structure.save(update_fields=["status", "posts_granted", "updated_at"])
        StructureDecision.objects.create(
            structure=structure,
            from_status=previous,
            to_status=status,
            posts_granted=posts_granted if status == StructureStatus.VALIDATED else None,
            comment=comment,
            author=actor,
        )
        if status in CLOSED_STRUCTURE_STATUSES:
            RecruitmentMatch.objects.filter(structure=structure, status__in=OPEN_MATCH_STATUSES).delete()
        send(to=[structure.contact_email], template="structure_decision", context={"structure": structure})
        if pair_inputs(structure) != inputs:
            structure_changed(structure.pk)
    return structure


def update_mission(*, actor: User, structure: HostStructure, mission_start, commune) -> HostStructure:
    """The structure's own change of its mission (start date, place): its pairs follow at once."""
    with transaction.atomic():
        structure = HostStructure.objects.select_for_update().get(pk=structure.pk)
        inputs = pair_inputs(structure)
        structure.mission_start = mission_start
        place_on(structure, commune)
        structure.department = commune.department
        structure.last_activity_at = now()
        structure.save()
        # The mission's start is applied when the list is read: only a move recomputes the pairs.
        if pair_inputs(structure) != inputs:
            structure_changed(structure.pk)
    return structure
