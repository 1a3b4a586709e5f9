"""What the OpenID Connect provider keeps beyond django-oauth-toolkit's tables: per-client settings the toolkit has
no field for, the consents people gave, each sign-in to a service (for the claims of its ID token, the replay of its
code and the logout of its session) and the back-channel logout notices to send."""

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import models
from django.utils import timezone
from oauth2_provider.scopes import get_scopes_backend

from relais.core.models import PublicIdModel

from .enums import Acr, BackchannelStatus


class ClientProfile(models.Model):
    """The settings of a connected service that the toolkit's Application has no field for."""

    application = models.OneToOneField(
        "oauth2_provider.Application",
        verbose_name="client",
        on_delete=models.CASCADE,
        related_name="relais_profile",
    )
    digital_service = models.ForeignKey(
        "organizations.DigitalService",
        verbose_name="service du catalogue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="oidc_clients",
        help_text="Ses conditions d'utilisation sont à accepter avant d'entrer dans le service.",
    )
    backchannel_logout_uri = models.URLField(
        "adresse de déconnexion (back-channel)",
        blank=True,
        help_text="Relais y envoie un jeton de déconnexion quand la session d'une personne se termine.",
    )
    previous_secret_hash = models.CharField(max_length=128, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(
        "ancien secret accepté jusqu'au",
        null=True,
        blank=True,
        editable=False,
        help_text="Après un changement de secret, l'ancien reste accepté jusqu'à cette date.",
    )

    class Meta:
        verbose_name = "réglages du client"
        verbose_name_plural = "réglages des clients"

    def __str__(self):
        return f"Réglages de {self.application}"

    def accepts_previous_secret(self, secret: str) -> bool:
        if not self.previous_secret_hash or self.previous_secret_expires_at is None:
            return False
        return self.previous_secret_expires_at > timezone.now() and check_password(secret, self.previous_secret_hash)


class Consent(models.Model):
    """A person allowed a service to use their account with these scopes; withdrawn from "Services connectés"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_consents")
    application = models.ForeignKey(
        "oauth2_provider.Application", verbose_name="service", on_delete=models.CASCADE, related_name="+"
    )
    scope = models.TextField("périmètre")
    granted_at = models.DateTimeField("accordé le", default=timezone.now)
    last_used_at = models.DateTimeField("dernière connexion le", default=timezone.now)

    class Meta:
        verbose_name = "consentement"
        verbose_name_plural = "consentements"
        constraints = [models.UniqueConstraint(fields=["user", "application"], name="sso_consent_unique")]

    def __str__(self):
        return f"{self.user} → {self.application}"

    def covers(self, scopes) -> bool:
        return set(scopes) <= set(self.scope.split())

    @property
    def scope_descriptions(self) -> list[str]:
        all_scopes = get_scopes_backend().get_all_scopes()
        return [all_scopes[scope] for scope in self.scope.split() if scope in all_scopes]


class SignInQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_at__isnull=True)


class SignIn(PublicIdModel):
    """One sign-in of a person to a service: an authorisation code issued, then redeemed at most once.

    It carries what the ID token says about the authentication (acr, amr, auth_time, the Relais session `sid`),
    lets a replayed code revoke the tokens issued from it (RFC 6749 §4.1.2), and tells which services to notify
    when the person's session ends.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_sign_ins")
    application = models.ForeignKey(
        "oauth2_provider.Application", verbose_name="service", on_delete=models.CASCADE, related_name="+"
    )
    session_id = models.CharField("session Relais (sid)", max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    acr = models.CharField("niveau d'authentification", max_length=64, choices=Acr.choices)
    amr = models.CharField("méthodes d'authentification", max_length=64)
    auth_time = models.DateTimeField("authentifié le")
    created_at = models.DateTimeField("code émis le", default=timezone.now, db_index=True)
    redeemed_at = models.DateTimeField("code échangé le", null=True, blank=True)
    token_family = models.UUIDField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField("session terminée le", null=True, blank=True)

    objects = SignInQuerySet.as_manager()

    class Meta:
        verbose_name = "connexion à un service"
        verbose_name_plural = "connexions aux services"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "ended_at"], name="sso_signin_user_open")]

    def __str__(self):
        return f"{self.user} → {self.application} ({timezone.localtime(self.created_at):%d/%m/%Y %H:%M})"


class BackchannelLogout(models.Model):
    """A logout token to POST to a service (OpenID Connect Back-Channel Logout 1.0), retried until it is taken."""

    application = models.ForeignKey(
        "oauth2_provider.Application", verbose_name="service", on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField("personne (sub)", max_length=64)
    session_id = models.CharField("session Relais (sid)", max_length=64, blank=True)
    status = models.CharField(
        "état", max_length=16, choices=BackchannelStatus.choices, default=BackchannelStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    next_attempt_at = models.DateTimeField("prochain essai", default=timezone.now)
    last_error = models.CharField("dernière erreur", max_length=255, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    sent_at = models.DateTimeField("reçue le", null=True, blank=True)

    class Meta:
        verbose_name = "déconnexion à transmettre"
        verbose_name_plural = "déconnexions à transmettre"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="sso_backchannel_due")]

    def __str__(self):
        return f"Déconnexion de {self.subject} pour {self.application}"
