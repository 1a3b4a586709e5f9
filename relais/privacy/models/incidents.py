from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.models import PublicIdModel

from ..enums import OPEN_INCIDENT_STATUSES, IncidentKind, IncidentStatus

# GDPR art. 33: a personal data breach is notified to the CNIL within 72 hours of becoming aware of it.
CNIL_NOTIFICATION_DELAY = timedelta(hours=72)


class IncidentReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_INCIDENT_STATUSES)

    def awaiting_cnil_notification(self):
        return self.filter(personal_data_breach=True, cnil_notified_at__isnull=True).exclude(
            status=IncidentStatus.CLOSED
        )


class IncidentReport(PublicIdModel):
    """An incident reported by an advisor or an agent (seed 001 art. 6.2 "Transparence"), handled by the security
    team."""

    reference = models.CharField("référence", max_length=20, unique=True)
    kind = models.CharField("nature", max_length=20, choices=IncidentKind.choices)
    description = models.TextField("description")
    occurred_at = models.DateTimeField("survenu le", null=True, blank=True)
    personal_data_breach = models.BooleanField(
        "violation de données personnelles",
        default=False,
        help_text="Des données personnelles ont pu être perdues, divulguées ou modifiées : la CNIL doit être "
        "notifiée dans les 72 heures.",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="signalé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reporter_label = models.CharField("signalé par", max_length=255, blank=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    status = models.CharField(
        "statut", max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.NEW, db_index=True
    )
    reported_at = models.DateTimeField("signalé le", default=timezone.now, db_index=True)
    cnil_notified_at = models.DateTimeField("notifié à la CNIL le", null=True, blank=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)

    objects = IncidentReportQuerySet.as_manager()

    class Meta:
        verbose_name = "signalement d’incident"
        verbose_name_plural = "signalements d’incidents"
        ordering = ["-reported_at", "-pk"]
        permissions = [("handle_incidentreport", "Traiter les signalements d’incidents (équipe sécurité)")]

    def __str__(self):
        return f"{self.reference} — {self.get_kind_display()}"

    @property
    def cnil_deadline(self):
        """72 hours after the report, the moment the organisation became aware of it; None for other incidents."""
        return self.reported_at + CNIL_NOTIFICATION_DELAY if self.personal_data_breach else None

    @property
    def cnil_overdue(self) -> bool:
        return bool(self.cnil_deadline and not self.cnil_notified_at and timezone.now() > self.cnil_deadline)

    @property
    def cnil_hours_left(self) -> int | None:
        if not self.cnil_deadline or self.cnil_notified_at:
            return None
        return int((self.cnil_deadline - timezone.now()).total_seconds() // 3600)


class IncidentEvent(models.Model):
    incident = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("ancien statut", max_length=20, choices=IncidentStatus.choices, blank=True)
    to_status = models.CharField("nouveau statut", max_length=20, choices=IncidentStatus.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField("note", blank=True)
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "suivi d’un incident"
        verbose_name_plural = "suivi des incidents"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.incident.reference} — {self.created_at:%d/%m/%Y %H:%M}"
