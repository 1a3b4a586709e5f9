from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from relais.core.models import PublicIdModel

from ..enums import CLOSED_REQUEST_STATUSES, OPEN_REQUEST_STATUSES, DataRight, RequestEventKind, RequestStatus, Service

# Every seed: "un délai raisonnable qui ne saurait dépasser 1 mois à compter de la réception de votre demande".
ANSWER_DEADLINE = relativedelta(months=1)
# The DPO is reminded of an open request this many days after it was received.
REMINDER_DAYS = (21, 28)


class DataRightsRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_REQUEST_STATUSES)

    def closed(self):
        return self.filter(status__in=CLOSED_REQUEST_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def due_for_reminder(self, days: int, now=None):
        """Open requests received at least `days` ago whose reminder for that day has not gone yet."""
        now = now or timezone.now()
        return self.open().filter(received_at__lte=now - relativedelta(days=days), last_reminder_day__lt=days)

    def search(self, text: str):
        if not text:
            return self
        return self.filter(Q(email__icontains=text) | Q(name__icontains=text) | Q(reference__iexact=text))


def identity_proof_path(instance, filename: str) -> str:
    return f"privacy/identity/{filename}"


class DataRightsRequest(PublicIdModel):
    """A request to exercise a right (GDPR art. 15–21) made on the public form, handled by the DPO within a month."""

    reference = models.CharField("référence", max_length=20, unique=True)
    right = models.CharField("droit exercé", max_length=20, choices=DataRight.choices)
    service = models.CharField("service concerné", max_length=30, choices=Service.choices)
    name = models.CharField("nom et prénom", max_length=200)
    email = models.EmailField("adresse électronique", db_index=True)
    details = models.TextField("précisions")
    identity_proof = models.FileField(
        "justificatif d’identité",
        upload_to=identity_proof_path,
        blank=True,
        help_text="Conservé jusqu’à la clôture de la demande, puis supprimé.",
    )
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    status = models.CharField(
        "statut", max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField("reçue le", default=timezone.now, db_index=True)
    due_at = models.DateTimeField("à traiter avant le")
    last_reminder_day = models.PositiveSmallIntegerField("dernière relance (jours après réception)", default=0)
    identity_verified_at = models.DateTimeField("identité vérifiée le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True, db_index=True)
    answer = models.TextField("réponse envoyée", blank=True)

    objects = DataRightsRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d’exercice de droits"
        verbose_name_plural = "demandes d’exercice de droits"
        ordering = ["due_at", "pk"]
        permissions = [("handle_datarightsrequest", "Traiter les demandes d’exercice de droits (DPO)")]

    def __str__(self):
        return f"{self.reference} — {self.get_right_display()}"

    def save(self, *args, **kwargs):
        if not self.due_at:
            self.due_at = self.received_at + ANSWER_DEADLINE
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.due_at


class DataRightsEvent(models.Model):
    """What happened to a request, by whom: the DPO's trail (also copied to the audit log)."""

    request = models.ForeignKey(DataRightsRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("événement", max_length=30, choices=RequestEventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField("message", blank=True)
    details = models.JSONField("détails", default=dict, blank=True)
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "événement d’une demande d’exercice de droits"
        verbose_name_plural = "événements des demandes d’exercice de droits"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.get_kind_display()


class ProcessingObjection(models.Model):
    """A person (by address) who stopped a processing (GDPR art. 18 and 21): the services read it before acting."""

    email = models.EmailField("adresse électronique")
    purpose = models.SlugField("traitement", max_length=50)
    created_at = models.DateTimeField("depuis le", default=timezone.now)

    class Meta:
        verbose_name = "opposition à un traitement"
        verbose_name_plural = "oppositions aux traitements"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["purpose", "email"], name="privacy_objection_unique")]

    def __str__(self):
        return f"{self.email} — {self.purpose}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
