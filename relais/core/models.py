import uuid

from django.core.cache import cache
from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(models.Model):
    """Objects appear in URLs by a random UUID, never by their sequential id."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class SiteStatus(models.Model):
    """The platform-wide switches that staff change from the admin (one row)."""

    CACHE_KEY = "core:site-status"
    CACHE_SECONDS = 30

    maintenance_enabled = models.BooleanField(
        "maintenance en cours",
        default=False,
        help_text="Affiche une page d'indisponibilité à tous les visiteurs, sauf aux équipes d'administration.",
    )
    maintenance_message = models.TextField(
        "message d'indisponibilité",
        blank=True,
        help_text="Laisser vide pour le message par défaut.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "état du site"
        verbose_name_plural = "état du site"

    def __str__(self):
        return "Maintenance en cours" if self.maintenance_enabled else "Service ouvert"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> "SiteStatus":
        """The row, read at most once per CACHE_SECONDS per process: the middleware asks on every request."""
        status = cache.get(cls.CACHE_KEY)
        if status is None:
            status = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(cls.CACHE_KEY, status, cls.CACHE_SECONDS)
        return status


class JobRun(models.Model):
    """One run of a periodic job in one slot (the minute its cron expression fell on).

    The unique (job, slot) pair is the lock: a scheduler runs a job only after inserting its row, so two schedulers
    (a mistaken second instance, the old and new ones of a rolling deploy) never run the same job twice in a slot.
    """

    job = models.CharField("tâche", max_length=100)
    slot = models.DateTimeField("créneau")
    host = models.CharField("lancée par", max_length=200)
    started_at = models.DateTimeField("commencée le", auto_now_add=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    succeeded = models.BooleanField("réussie", null=True)

    class Meta:
        verbose_name = "exécution planifiée"
        verbose_name_plural = "exécutions planifiées"
        ordering = ["-slot"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="core_jobrun_one_per_slot")]
        indexes = [models.Index(fields=["slot"], name="core_jobrun_slot_idx")]

    def __str__(self):
        return f"{self.job} ({self.slot:%d/%m/%Y %H:%M})"


class SchedulerHeartbeat(models.Model):
    """The last sign of life of each running scheduler (one row per host and process)."""

    instance = models.CharField("planificateur", max_length=200, unique=True)
    beat_at = models.DateTimeField("dernier signe de vie")

    class Meta:
        verbose_name = "signe de vie du planificateur"
        verbose_name_plural = "signes de vie du planificateur"

    def __str__(self):
        return self.instance
