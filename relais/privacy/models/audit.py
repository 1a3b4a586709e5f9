import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..enums import AuditAction

PARIS = ZoneInfo("Europe/Paris")


class AppendOnlyError(Exception):
    """The audit log is written once: nobody corrects or removes an entry (only its retention rule purges it)."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Le journal d’audit ne se modifie pas.")

    def delete(self):
        raise AppendOnlyError("Le journal d’audit ne se supprime pas, sauf par sa règle de conservation.")

    def purge(self) -> int:
        """Delete these entries: for the retention rule only, once they are past their period."""
        return super().delete()[0]

    def pseudonymise(self, **labels: str) -> int:
        """Replace the name of a person who erased their account: the entries stay, the person is no longer named."""
        return super().update(**labels)

    def between(self, start: datetime.date | None, end: datetime.date | None):
        """Entries of these Paris days, both included."""
        entries = self
        if start:
            entries = entries.filter(created_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=PARIS))
        if end:
            after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=PARIS)
            entries = entries.filter(created_at__lt=after)
        return entries

    def search(self, text: str):
        if not text:
            return self
        return self.filter(
            Q(actor_label__icontains=text)
            | Q(object_label__icontains=text)
            | Q(object_id__iexact=text)
            | Q(ip__startswith=text)
        )


class AuditEntry(models.Model):
    """One sensitive action, by whom, from where, on what. Labels are copies, so an entry reads the same after the
    person or the object is gone."""

    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    action = models.CharField("action", max_length=40, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("auteur", max_length=255, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    object_type = models.CharField("type d’objet", max_length=100, blank=True)
    object_id = models.CharField("identifiant de l’objet", max_length=64, blank=True)
    object_label = models.CharField("objet", max_length=255, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal d’audit"
        verbose_name_plural = "journal d’audit"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="privacy_audit_action"),
            models.Index(fields=["object_type", "object_id"], name="privacy_audit_object"),
        ]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} — {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Une entrée du journal d’audit ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Une entrée du journal d’audit ne se supprime pas.")

    @property
    def details_display(self) -> str:
        parts = []
        for key, value in self.details.items():
            if isinstance(value, list | tuple):
                value = ", ".join(str(item) for item in value) or "aucun"
            elif isinstance(value, dict):
                value = ", ".join(f"{k} : {v}" for k, v in value.items()) or "aucun"
            parts.append(f"{key} : {value}")
        return " ; ".join(parts)
