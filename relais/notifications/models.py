from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from relais.core.models import PublicIdModel

from .enums import EmailStatus

MAX_ATTEMPTS = 8


def claim_timeout() -> timedelta:
    """Far above the time one send may take: a claim this old belongs to a worker that died between claim and
    result (settings.EMAIL_CLAIM_TIMEOUT, 10 minutes by default)."""
    return timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT)


class EmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Emails a worker may claim now: pending ones whose time has come, and abandoned claims."""
        now = now or timezone.now()
        return self.filter(
            Q(status=EmailStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=EmailStatus.SENDING, claimed_at__lt=now - claim_timeout(), attempts__lt=MAX_ATTEMPTS)
        )

    def abandoned(self, now=None):
        """Claims left by dead workers on emails that have no attempt left."""
        now = now or timezone.now()
        return self.filter(status=EmailStatus.SENDING, claimed_at__lt=now - claim_timeout(), attempts__gte=MAX_ATTEMPTS)


class Email(PublicIdModel):
    """One outgoing email (outbox row), written in the transaction of the change it reports."""

    to = models.JSONField("destinataires", default=list)
    cc = models.JSONField("copie à", default=list, blank=True)
    reply_to = models.JSONField("répondre à", default=list, blank=True)
    subject = models.CharField("objet", max_length=998)
    text_body = models.TextField("texte")
    html_body = models.TextField("HTML")
    template = models.CharField("gabarit", max_length=200)
    status = models.CharField("état", max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", default=timezone.now)
    claimed_at = models.DateTimeField("envoi commencé le", null=True, blank=True)
    claim_token = models.UUIDField("jeton d'envoi", null=True, blank=True, editable=False)
    last_error = models.TextField("dernière erreur", blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    forget_after_sending = models.BooleanField(
        "effacé après l’envoi",
        default=False,
        help_text="Pour le dernier courriel à une personne dont les données sont effacées : rien ne reste d’elle.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True, db_index=True)

    objects = EmailQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_email_due_idx")]

    def __str__(self):
        return self.subject
