"""Organisations, the catalogue of digital services and who may act for which organisation in which service.

A person belongs to organisations through `Membership` rows (one per organisation they act for: their own as a
member, others as a third-party declarant). Their rights in a service are held by one `AccessRight` row per
(membership, service); it also says whether they are an access manager for that service, because the terms (§7)
make a person access manager of one service in the perimeter of one organisation, not of the organisation as a
whole.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from relais.core.models import PublicIdModel, TimestampedModel

from .enums import AccessRequestStatus, AuditAction, MembershipRole


def hash_secret(secret: str) -> str:
    """Tokens and codes are stored hashed: a leaked table must not let anyone use them.

    They carry enough entropy (≥ 60 bits, single use, expiring) for a plain SHA-256 to suffice.
    """
    return hashlib.sha256(secret.strip().upper().encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class DigitalServiceQuerySet(models.QuerySet):
    def administered_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(application_administrators=user)


class DigitalService(PublicIdModel, TimestampedModel):
    slug = models.SlugField("identifiant", max_length=50, unique=True)
    name = models.CharField("nom", max_length=200)
    acronym = models.CharField("sigle", max_length=50, blank=True)
    description = models.TextField("description", blank=True)
    url = models.URLField("adresse", blank=True)
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    application_administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="administrateurs applicatifs",
        related_name="administered_services",
        blank=True,
        help_text="Ils nomment les responsables des accès des organisations et génèrent des codes responsable "
        "des accès pour ce service.",
    )

    objects = DigitalServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service numérique"
        verbose_name_plural = "services numériques"
        ordering = ["position", "name"]

    def __str__(self):
        return self.acronym or self.name

    @property
    def display_name(self) -> str:
        if self.acronym and self.acronym != self.name:
            return f"{self.name} ({self.acronym})"
        return self.name


class ServiceRight(models.Model):
    """A right ("habilitation") that the service itself recognises and enforces."""

    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE, related_name="rights")
    code = models.SlugField("code", max_length=50)
    label = models.CharField("libellé", max_length=200)
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "habilitation proposée"
        verbose_name_plural = "habilitations proposées"
        ordering = ["service", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="organizations_right_code_unique")]

    def __str__(self):
        return f"{self.service} — {self.label}"


class Organization(PublicIdModel, TimestampedModel):
    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("raison sociale", max_length=255)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    commune_name = models.CharField("commune", max_length=255, blank=True)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name", "siren"]

    def __str__(self):
        return f"{self.name} ({self.siren})"

    @property
    def full_address(self) -> str:
        place = " ".join(part for part in (self.postal_code, self.commune_name) if part)
        return ", ".join(part for part in (self.address, place) if part)


class MembershipQuerySet(models.QuerySet):
    def acting_in(self, *, organization, service):
        """Who acts for the organisation in the service's list (§7.3): its members, whether they hold rights in
        the service or not yet, and the third-party declarants it gave rights in the service, each with their
        rights in that service as `service_access` (a list of zero or one AccessRight)."""
        return (
            self.filter(organization=organization)
            .filter(Q(role=MembershipRole.MEMBER) | Q(access_rights__service=service))
            .distinct()
            .select_related("user", "declarant_organization")
            .prefetch_related(
                models.Prefetch(
                    "access_rights",
                    queryset=AccessRight.objects.filter(service=service).prefetch_related("rights"),
                    to_attr="service_access",
                )
            )
            .order_by("role", "user__last_name", "user__first_name", "user__email")
        )


class Membership(PublicIdModel, TimestampedModel):
    """`user` acts for `organization`: as one of its members, or as a third-party declarant from another one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=32, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    declarant_organization = models.ForeignKey(
        Organization,
        verbose_name="organisation du tiers déclarant",
        on_delete=models.CASCADE,
        related_name="declarant_memberships",
        null=True,
        blank=True,
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "rattachement"
        verbose_name_plural = "rattachements"
        ordering = ["organization", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="organizations_membership_unique"),
            models.CheckConstraint(
                condition=Q(role=MembershipRole.MEMBER, declarant_organization__isnull=True)
                | Q(role=MembershipRole.THIRD_PARTY_DECLARANT, declarant_organization__isnull=False),
                name="organizations_membership_declarant_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization}"

    @property
    def is_third_party_declarant(self) -> bool:
        return self.role == MembershipRole.THIRD_PARTY_DECLARANT


class AccessRightQuerySet(models.QuerySet):
    def managers(self):
        return self.filter(is_access_manager=True, membership__user__is_active=True)


class AccessRight(TimestampedModel):
    """A person's rights ("habilitations") in one service, for one organisation."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="access_rights")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE, related_name="access_rights")
    rights = models.ManyToManyField(ServiceRight, verbose_name="habilitations", related_name="holders", blank=True)
    is_access_manager = models.BooleanField("responsable des accès", default=False)

    objects = AccessRightQuerySet.as_manager()

    class Meta:
        verbose_name = "habilitation"
        verbose_name_plural = "habilitations"
        constraints = [
            models.UniqueConstraint(fields=["membership", "service"], name="organizations_access_right_unique")
        ]

    def __str__(self):
        return f"{self.membership} — {self.service}"


class AccessRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=AccessRequestStatus.PENDING)


class AccessRequest(PublicIdModel, TimestampedModel):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="access_requests")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE, related_name="access_requests")
    requested_rights = models.ManyToManyField(
        ServiceRight, verbose_name="habilitations demandées", related_name="+", blank=True
    )
    message = models.TextField("message", blank=True)
    status = models.CharField(
        "statut", max_length=16, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decision_comment = models.TextField("motif", blank=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'accès"
        verbose_name_plural = "demandes d'accès"
        ordering = ["-created_at"]
        constraints = [
            # One pending request per person, organisation and service: a double submit creates one request.
            models.UniqueConstraint(
                fields=["membership", "service"],
                condition=Q(status=AccessRequestStatus.PENDING),
                name="organizations_one_pending_request",
            )
        ]

    def __str__(self):
        return f"{self.membership} — {self.service}"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(PublicIdModel, TimestampedModel):
    """An access manager invites someone, with or without an account, to act for the organisation in a service."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    rights = models.ManyToManyField(ServiceRight, verbose_name="habilitations", related_name="+", blank=True)
    declarant_organization = models.ForeignKey(
        Organization,
        verbose_name="organisation du tiers déclarant",
        on_delete=models.CASCADE,
        related_name="declarant_invitations",
        null=True,
        blank=True,
        help_text="Renseignée quand la personne invitée agira comme tiers déclarant.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("expire le")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="sent_invitations"
    )
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField("annulée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} — {self.organization} — {self.service}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class AccessManagerCode(PublicIdModel, TimestampedModel):
    """A single-use, expiring code that makes whoever enters it access manager of an organisation for a service."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="access_manager_codes")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE, related_name="access_manager_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("expire le")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "code responsable des accès"
        verbose_name_plural = "codes responsable des accès"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organization} — {self.service}"


class AuditEvent(models.Model):
    """Who did what to whose access, when. Names are copied so the log stays readable after a deletion."""

    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    action = models.CharField("action", max_length=32, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField("auteur", max_length=255, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audit_events", verbose_name="organisation"
    )
    service = models.ForeignKey(
        DigitalService, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="service"
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_label = models.CharField("personne concernée", max_length=255, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "journal des accès"
        verbose_name_plural = "journal des accès"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} — {self.get_action_display()}"

    @property
    def details_display(self) -> str:
        parts = []
        for key, value in self.details.items():
            if isinstance(value, list):
                value = ", ".join(value) or "aucune"
            parts.append(f"{key} : {value}")
        return " ; ".join(parts)
