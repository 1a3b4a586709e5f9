"""Reads that decide who may manage what, and the claims given to single sign-on."""

from relais.companies.models import Establishment

from ..enums import MembershipRole
from ..models import (
    AccessRight,
    DigitalService,
    Membership,
    Organization,
)


def can_manage_access(*, user, organization: Organization, service: DigitalService) -> bool:
    """Access managers of this organisation for this service, and them only (§6.2.3)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return AccessRight.objects.filter(
        membership__user=user,
        membership__organization=organization,
        membership__role=MembershipRole.MEMBER,
        service=service,
        is_access_manager=True,
    ).exists()


def can_administer_service(*, user, service: DigitalService) -> bool:
    """Administrators (superusers) and the service's application administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or service.application_administrators.filter(pk=user.pk).exists()


def is_access_manager(user) -> bool:
    """Access manager of at least one organisation for at least one service."""
    if not user.is_authenticated or not user.is_active:
        return False
    return access_manager_rights(user).exists()


def access_manager_rights(user):
    """The rights that make `user` (a person or a reference to one in a subquery) an access manager."""
    return AccessRight.objects.filter(membership__user=user, is_access_manager=True)


def organizations_claims(user) -> list[dict]:
    """What the OpenID Connect provider tells the services about the organisations a person acts for."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .prefetch_related("access_rights__service", "access_rights__rights")
        .order_by("organization__name", "organization__siren")
    )
    return [
        {
            "siren": membership.organization.siren,
            "name": membership.organization.name,
            "role": membership.role,
            "services": {
                access.service.slug: {
                    "rights": sorted(right.code for right in access.rights.all()),
                    "access_manager": access.is_access_manager,
                }
                for access in membership.access_rights.all()
            },
        }
        for membership in memberships
    ]


def establishments_claims(user) -> list[dict]:
    """The establishments (SIRET) of the organisations a person acts for, as known to the companies app."""
    sirens = Membership.objects.filter(user=user).values("organization__siren")
    establishments = (
        Establishment.objects.filter(company_id__in=sirens, is_active=True)
        .only("siret", "company_id", "name", "postal_code", "commune_name", "is_head_office")
        .order_by("siret")
    )
    return [
        {
            "siret": establishment.siret,
            "siren": establishment.company_id,
            "name": establishment.name,
            "postal_code": establishment.postal_code,
            "commune": establishment.commune_name,
            "head_office": establishment.is_head_office,
        }
        for establishment in establishments
    ]


def managers_of(*, organization: Organization, service: DigitalService) -> list:
    """The active access managers of the organisation for the service (users)."""
    return [
        access.membership.user
        for access in AccessRight.objects.managers()
        .filter(membership__organization=organization, service=service)
        .select_related("membership__user")
        .order_by("membership__user__email")
    ]
