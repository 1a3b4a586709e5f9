from django.db import models


class Region(models.Model):
    insee_code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    insee_code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, related_name="departments")

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["insee_code"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature juridique", max_length=8, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    ARRONDISSEMENT = "arrondissement", "Arrondissement municipal"


class Commune(models.Model):
    """A current commune, or a municipal arrondissement of Paris, Lyon or Marseille (with its `parent`)."""

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=200)
    search_name = models.CharField("nom normalisé", max_length=200, db_index=True, editable=False)
    kind = models.CharField("type", max_length=16, choices=CommuneKind.choices, default=CommuneKind.COMMUNE)
    parent = models.ForeignKey(
        "self",
        verbose_name="commune de rattachement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="arrondissements",
    )
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    region = models.ForeignKey(Region, verbose_name="région", on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, verbose_name="EPCI", on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    postal_codes = models.JSONField("codes postaux", default=list, blank=True)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    latitude = models.FloatField("latitude du centre", null=True, blank=True)
    longitude = models.FloatField("longitude du centre", null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name", "insee_code"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"


class PostalCode(models.Model):
    """One row per (postal code, commune): the index behind look-ups by postal code."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_links")

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="territories_postalcode_unique")]

    def __str__(self):
        return f"{self.code} {self.commune.name}"
