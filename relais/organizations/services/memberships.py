"""Organisations, created from their SIREN, and the people who belong to them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from relais.companies.registry import RegistryUnavailable, get_registry
from relais.companies.validators import validate_siren

from ..enums import AuditAction, MembershipRole
from ..models import (
    Membership,
    Organization,
)
from .common import record_audit


def get_or_create_organization(*, siren: str) -> Organization:
    """The organisation of this SIREN, created from the company registry the first time; French errors."""
    siren = validate_siren(siren)
    organization = Organization.objects.filter(siren=siren).first()
    if organization is not None:
        return organization
    # Outside any lock: the registry may be a remote API.
    try:
        company = get_registry().get_company(siren)
    except RegistryUnavailable as error:
        raise ValidationError(str(error), code="registry_unavailable") from None
    if company is None:
        raise ValidationError(
            "Aucune entreprise ne correspond à ce SIREN dans le répertoire des entreprises : vérifiez les chiffres.",
            code="siren_unknown",
        )
    head_office = company.head_office
    organization, _created = Organization.objects.get_or_create(
        siren=siren,
        defaults={
            "name": company.name,
            "address": head_office.address if head_office else "",
            "postal_code": head_office.postal_code if head_office else "",
            "commune_name": head_office.commune_name if head_office else "",
        },
    )
    return organization


def join_organization(*, user, siren: str) -> Membership:
    """Attach the person to the organisation of this SIREN, with no rights; calling it again changes nothing."""
    organization = get_or_create_organization(siren=siren)
    with transaction.atomic():
        membership, created = get_or_create_membership(user=user, organization=organization)
        if created:
            record_audit(action=AuditAction.JOINED, actor=user, organization=organization, target=user)
    return membership


def get_or_create_membership(
    *, user, organization: Organization, declarant_organization: Organization | None = None
) -> tuple[Membership, bool]:
    defaults = (
        {"role": MembershipRole.THIRD_PARTY_DECLARANT, "declarant_organization": declarant_organization}
        if declarant_organization
        else {"role": MembershipRole.MEMBER}
    )
    try:
        with transaction.atomic():
            return Membership.objects.get_or_create(user=user, organization=organization, defaults=defaults)
    except IntegrityError:
        # Two requests of the same person raced (double submit): the other one created it.
        return Membership.objects.get(user=user, organization=organization), False
