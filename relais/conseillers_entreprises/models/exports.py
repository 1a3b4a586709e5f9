"""Large exports of the dashboard, built in the background and kept for a day."""

from django.conf import settings
from django.db import models

from relais.core.models import PublicIdModel

from ..enums import ExportStatus


class ExportJob(PublicIdModel):
    """An export too large to stream while the person waits: a task writes the file, its page shows the progress
    and then the download link, valid 24 hours; the requester also gets it by email."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandé par", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("export", max_length=32)
    extension = models.CharField("format", max_length=8)
    query = models.TextField("filtres", blank=True, help_text="Les paramètres du tableau de bord, tels que demandés.")
    status = models.CharField("état", max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    rows_total = models.PositiveIntegerField("lignes à écrire", default=0)
    rows_done = models.PositiveIntegerField("lignes écrites", default=0)
    file = models.FileField("fichier", upload_to="exports/", blank=True)
    error = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    expires_at = models.DateTimeField("disponible jusqu’au", db_index=True)

    class Meta:
        verbose_name = "export en arrière-plan"
        verbose_name_plural = "exports en arrière-plan"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}.{self.extension} du {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.created_at:%Y-%m-%d}.{self.extension}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, 100 * self.rows_done // self.rows_total) if self.rows_total else 0
