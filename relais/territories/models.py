from django.db import models

from .querysets import CommuneQuerySet


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
    # Closed rings of [longitude, latitude], outer rings counterclockwise and holes clockwise, simplified for a map
    # of France; the borders shared with the neighbours have the same points on both sides.
    outline = models.JSONField("contour simplifié", default=list, blank=True, editable=False)

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


class CentreSource(models.TextChoices):
    """How a commune's centre was obtained, from the most to the least precise."""

    CONTOUR = "contour", "Centre du contour de la commune"
    TOWN_HALL = "town_hall", "Position de la mairie"
    FORMER_COMMUNES = "former_communes", "Centre des communes déléguées ou associées"
    POSTAL_AREA = "postal_area", "Centre des communes du même code postal"


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
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    latitude = models.FloatField("latitude du centre", null=True, blank=True)
    longitude = models.FloatField("longitude du centre", null=True, blank=True)
    centre_source = models.CharField("origine du centre", max_length=16, choices=CentreSource.choices, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name", "insee_code"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"

    @property
    def postal_codes(self) -> list[str]:
        """Sorted postal codes; free of queries when fetched through `CommuneQuerySet.with_postal_codes()`."""
        return sorted({link.code for link in self.postal_code_links.all()})


class PostalCode(models.Model):
    """One row per (postal code, commune): the index behind look-ups by postal code."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_links")

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="territories_postalcode_unique")]

    def __str__(self):
        return f"{self.code} {self.commune.name}"


class ReferentialImport(models.Model):
    """The last import of each source: an unchanged checksum lets a re-run return at once."""

    source = models.CharField("source", max_length=50, unique=True)
    checksum = models.CharField("empreinte", max_length=64)
    imported_at = models.DateTimeField("importé le")
    summary = models.CharField("bilan", max_length=300, blank=True)

    class Meta:
        verbose_name = "import du référentiel"
        verbose_name_plural = "imports du référentiel"
        ordering = ["source"]

    def __str__(self):
        return f"{self.source} ({self.imported_at:%d/%m/%Y %H:%M})"
