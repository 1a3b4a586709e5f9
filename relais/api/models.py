from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from relais.core.models import PublicIdModel, TimestampedModel

from .enums import DeliveryStatus, PartnerKind, Scope

KEY_VALIDITY = timedelta(days=548)  # 18 months
DEFAULT_QUOTA = 300
QUOTA_WINDOW_SECONDS = 5 * 60
WEBHOOK_MAX_ATTEMPTS = 10
# Far above the HTTP timeout: a claim this old belongs to a worker that died between claim and result.
WEBHOOK_CLAIM_TIMEOUT = timedelta(minutes=5)


class PartnerQuerySet(models.QuerySet):
    def administered_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(administrators=user, is_active=True)


class Partner(PublicIdModel, TimestampedModel):
    """Who holds API keys: an institution of the directory (its landings, its requests) or an authorised body."""

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=PartnerKind.choices, default=PartnerKind.INSTITUTION)
    institution = models.OneToOneField(
        "conseillers_entreprises.Institution",
        verbose_name="institution de l’annuaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_partner",
        help_text="Ses clés voient les pages d’accueil de cette institution et les demandes déposées sur elles.",
    )
    allowed_scopes = models.JSONField(
        "droits accordés",
        default=list,
        blank=True,
        help_text="Les droits que les administrateurs du partenaire peuvent donner à ses clés.",
    )
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="administrateurs",
        blank=True,
        related_name="administered_partners",
        help_text="Comptes Relais, désignés par le support, qui gèrent les clés depuis « Mes clés d’API ».",
    )
    contact_email = models.EmailField(
        "adresse technique",
        blank=True,
        help_text="Reçoit l’annonce de l’expiration des clés, avec les administrateurs.",
    )
    webhook_url = models.URLField(
        "adresse du webhook",
        max_length=500,
        blank=True,
        help_text="Reçoit un POST signé à chaque changement de statut d’une demande déposée sur ses pages.",
    )
    webhook_secret = models.CharField("secret de signature du webhook", max_length=64, blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "partenaire de l’API"
        verbose_name_plural = "partenaires de l’API"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == PartnerKind.INSTITUTION and self.institution_id is None:
            raise ValidationError({"institution": "Choisissez l’institution de l’annuaire de ce partenaire."})
        unknown = set(self.allowed_scopes or []) - set(Scope.values)
        if unknown:
            raise ValidationError({"allowed_scopes": f"Droits inconnus : {', '.join(sorted(unknown))}."})


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def expiring_unannounced(self, *, within: timedelta, now=None):
        """Usable keys that expire within `within` and whose holder was not told yet."""
        now = now or timezone.now()
        return self.usable(now).filter(expires_at__lte=now + within, expiry_notice_sent_at__isnull=True)


class ApiKey(PublicIdModel, TimestampedModel):
    """A secret that authenticates a partner's calls. Only its HMAC digest is stored: the secret is shown once."""

    partner = models.ForeignKey(Partner, verbose_name="partenaire", on_delete=models.CASCADE, related_name="keys")
    name = models.CharField("nom", max_length=100, help_text="Pour s’y retrouver : « Production », « Recette »…")
    prefix = models.CharField("début de la clé", max_length=16, editable=False)
    digest = models.CharField("empreinte", max_length=64, unique=True, editable=False)
    scopes = models.JSONField("droits", default=list)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rotated_from = models.OneToOneField(
        "self",
        verbose_name="remplace la clé",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    quota = models.PositiveIntegerField(
        "quota (requêtes par 5 minutes)",
        null=True,
        blank=True,
        help_text=f"Vide : {DEFAULT_QUOTA} requêtes par 5 minutes.",
    )
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    expiry_notice_sent_at = models.DateTimeField("expiration annoncée le", null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "clé d’API"
        verbose_name_plural = "clés d’API"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="api_key_expires_at")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def limit(self) -> int:
        return self.quota or DEFAULT_QUOTA

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class IdempotencyRecord(models.Model):
    """An `Idempotency-Key` a partner sent with a filing, the request it carried and the solicitation it made."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    key = models.CharField("clé d’idempotence", max_length=255)
    fingerprint = models.CharField("empreinte de la requête", max_length=64)
    solicitation = models.ForeignKey("conseillers_entreprises.Solicitation", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("reçue le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "clé d’idempotence"
        verbose_name_plural = "clés d’idempotence"
        constraints = [models.UniqueConstraint(fields=["partner", "key"], name="api_idempotency_unique")]

    def __str__(self):
        return self.key


class WebhookDeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        abandoned_claim = Q(
            status=DeliveryStatus.SENDING,
            claimed_at__lt=now - WEBHOOK_CLAIM_TIMEOUT,
            attempts__lt=WEBHOOK_MAX_ATTEMPTS,
        )
        return self.filter(Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | abandoned_claim)


class WebhookDelivery(PublicIdModel):
    """One notification to a partner's webhook (outbox row), written in the transaction of the status change."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="deliveries")
    solicitation = models.ForeignKey("conseillers_entreprises.Solicitation", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("état", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", default=timezone.now)
    claimed_at = models.DateTimeField("envoi commencé le", null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.TextField("dernière erreur", blank=True)
    sent_at = models.DateTimeField("reçu le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "envoi au webhook"
        verbose_name_plural = "envois aux webhooks"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="api_delivery_due")]

    def __str__(self):
        return f"{self.partner} — {self.get_status_display()}"
