import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.models import PublicIdModel, TimestampedModel

from ..enums import AccountRequestStatus
from .directory import Expert


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AdvisorInvitation(PublicIdModel, TimestampedModel):
    """An agent invited by email to join expert teams; the link carries a token of which only the hash is kept.

    Sending the invitation again draws a new token, so the link of an earlier email stops working.
    """

    email = models.EmailField("adresse électronique professionnelle", max_length=254, db_index=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    experts = models.ManyToManyField(Expert, verbose_name="équipes", related_name="advisor_invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="invité par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, editable=False)
    sent_at = models.DateTimeField("envoyée le")
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisor_invitations",
        help_text="Le compte rattaché aux équipes quand l’invitation a été acceptée.",
    )

    class Meta:
        verbose_name = "invitation de conseiller"
        verbose_name_plural = "invitations de conseillers"
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Invitation de {self.email}"

    def matches_token(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, hash_token(token))

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class AccountRequest(PublicIdModel, TimestampedModel):
    """An agent's request for an account, made on the public form and decided by the support team."""

    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse électronique professionnelle", max_length=254)
    phone = models.CharField("téléphone", max_length=32, blank=True)
    institution = models.CharField("institution", max_length=200)
    antenne = models.CharField("antenne", max_length=200, blank=True)
    message = models.TextField("fonction et message")
    status = models.CharField(
        "statut",
        max_length=16,
        choices=AccountRequestStatus.choices,
        default=AccountRequestStatus.PENDING,
        db_index=True,
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    refusal_reason = models.TextField("motif du refus", blank=True)
    invitation = models.ForeignKey(
        AdvisorInvitation,
        verbose_name="invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_requests",
    )

    class Meta:
        verbose_name = "demande de compte conseiller"
        verbose_name_plural = "demandes de compte conseiller"
        ordering = ["created_at"]

    def __str__(self):
        return f"Demande de compte de {self.full_name} ({self.institution})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
