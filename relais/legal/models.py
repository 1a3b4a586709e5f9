from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.models import PublicIdModel, TimestampedModel

from .scopes import scope_name


class TermsVersionQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(published_at__lte=now or timezone.now())

    def current(self, scope: str, now=None) -> "TermsVersion | None":
        """The version in force: the last one published, whatever the order they were created in."""
        return self.published(now).filter(scope=scope).order_by("-published_at", "-pk").first()


class TermsVersion(PublicIdModel, TimestampedModel):
    """One version of the terms of the portal or of one service; every version stays readable (seed 003 §5)."""

    scope = models.SlugField(
        "périmètre",
        max_length=50,
        help_text="« portail » pour le Portail de service, sinon l'identifiant du service concerné.",
    )
    version = models.CharField("version", max_length=100)
    published_at = models.DateTimeField("mise en ligne le", default=timezone.now)
    body = models.TextField(
        "texte",
        help_text="Texte brut : un paragraphe par ligne, « ## » ou « ### » en début de ligne pour un titre, "
        "« - » pour un élément de liste.",
    )
    summary = models.TextField("résumé des modifications", blank=True)

    objects = TermsVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version des conditions d'utilisation"
        verbose_name_plural = "versions des conditions d'utilisation"
        ordering = ["scope", "-published_at"]
        constraints = [models.UniqueConstraint(fields=["scope", "version"], name="legal_terms_version_unique")]
        indexes = [models.Index(fields=["scope", "-published_at"], name="legal_terms_scope_published")]

    def __str__(self):
        return f"{self.scope_name} — version {self.version}"

    @property
    def scope_name(self) -> str:
        return scope_name(self.scope)


class TermsAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_acceptances")
    version = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField("acceptée le", default=timezone.now)

    class Meta:
        verbose_name = "acceptation des conditions d'utilisation"
        verbose_name_plural = "acceptations des conditions d'utilisation"
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="legal_terms_acceptance_unique")]

    def __str__(self):
        return f"{self.user} — {self.version}"
