import re
import unicodedata

from django.db import models
from django.utils import timezone

from .enums import ActivityNature, CompanySource
from .labels import legal_form_label, naf_label, nafa_label, staff_size_label
from .validators import validate_siren, validate_siret


def normalize_search_text(text: str) -> str:
    """Lowercase, without accents or punctuation: what `search_name` holds and what searches compare to it.

    Done in Python rather than with database functions so that SQLite and PostgreSQL answer the same.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", without_accents.lower()).split())


def normalize_idcc(code) -> str:
    """An IDCC (identifiant de convention collective) without its leading zeros: "0016" → "16"; "" when invalid."""
    text = str(code or "").strip()
    return str(int(text)) if text.isdigit() else ""


def establishment_search_name(*, company_name: str, name: str, postal_code: str, commune_name: str) -> str:
    # The postal code and the commune are in it so that "boulangerie lyon" finds the bakery in Lyon.
    return normalize_search_text(" ".join([company_name, name, postal_code, commune_name]))[:500]


class Company(models.Model):
    """A legal unit (unité légale) of the SIRENE register, cached locally."""

    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[validate_siren])
    name = models.CharField("dénomination", max_length=255)
    search_name = models.CharField("dénomination normalisée", max_length=255, editable=False)
    legal_form_code = models.CharField(
        "catégorie juridique", max_length=4, blank=True, help_text="Code Insee de la catégorie juridique (ex. 5710)."
    )
    naf_code = models.CharField("code NAF", max_length=8, blank=True, help_text="Activité principale (ex. 62.01Z).")
    creation_date = models.DateField("date de création", null=True, blank=True)
    staff_size_code = models.CharField(
        "tranche d'effectif", max_length=2, blank=True, help_text="Code Insee de la tranche d'effectif (ex. 11)."
    )
    activity_natures = models.JSONField(
        "natures d’activité",
        default=list,
        blank=True,
        help_text="Formes d’exercice du Registre national des entreprises (commerciale, artisanale, libérale…).",
    )
    idcc_codes = models.JSONField(
        "conventions collectives (IDCC)",
        default=list,
        blank=True,
        help_text="Identifiants des conventions collectives appliquées par l’entreprise (ex. 1486).",
    )
    officers = models.JSONField(
        "dirigeants",
        default=list,
        blank=True,
        help_text="Prénom, nom et qualité des dirigeants, quand ils sont connus.",
    )
    is_active = models.BooleanField("active", default=True)
    source = models.CharField("source", max_length=32, choices=CompanySource.choices)
    fetched_at = models.DateTimeField("données obtenues le", default=timezone.now)

    class Meta:
        verbose_name = "entreprise"
        verbose_name_plural = "entreprises"
        ordering = ["name"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%'; other databases ignore it.
            models.Index(fields=["search_name"], name="companies_company_search", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.siren})"

    def save(self, *args, **kwargs):
        self.search_name = normalize_search_text(self.name)[:255]
        super().save(*args, **kwargs)

    @property
    def legal_form_label(self) -> str:
        return legal_form_label(self.legal_form_code)

    @property
    def naf_label(self) -> str:
        return naf_label(self.naf_code)

    @property
    def nafa_label(self) -> str:
        return nafa_label(self.nafa_code)

    @property
    def staff_size_label(self) -> str:
        return staff_size_label(self.staff_size_code)

    @property
    def activity_natures_label(self) -> str:
        labels = dict(ActivityNature.choices)
        return ", ".join(labels.get(nature, nature) for nature in self.activity_natures)


class Establishment(models.Model):
    """An establishment (SIRET) of a company, cached locally."""

    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    company = models.ForeignKey(
        Company,
        verbose_name="entreprise",
        on_delete=models.CASCADE,
        to_field="siren",
        db_column="siren",
        related_name="establishments",
    )
    name = models.CharField("enseigne", max_length=255, blank=True)
    search_name = models.CharField("nom normalisé", max_length=500, editable=False)
    address = models.CharField("adresse", max_length=255, blank=True, help_text="Numéro et voie.")
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="establishments",
    )
    commune_insee_code = models.CharField("code INSEE de la commune", max_length=5, blank=True, db_index=True)
    commune_name = models.CharField("nom de la commune", max_length=100, blank=True)
    naf_code = models.CharField("code NAF", max_length=8, blank=True)
    nafa_code = models.CharField(
        "code NAFA",
        max_length=8,
        blank=True,
        help_text="Activité inscrite au répertoire des métiers (nomenclature de l’artisanat, ex. 4520AB).",
    )
    staff_size_code = models.CharField("tranche d'effectif", max_length=2, blank=True)
    idcc_codes = models.JSONField(
        "conventions collectives (IDCC)",
        default=list,
        blank=True,
        help_text="Identifiants des conventions collectives déclarées pour l’établissement.",
    )
    is_head_office = models.BooleanField("siège", default=False)
    is_active = models.BooleanField("ouvert", default=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)

    class Meta:
        verbose_name = "établissement"
        verbose_name_plural = "établissements"
        ordering = ["siret"]
        indexes = [
            models.Index(fields=["search_name"], name="companies_estab_search", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.name or self.company_id} ({self.siret})"

    def save(self, *args, **kwargs):
        self.search_name = establishment_search_name(
            company_name=self.company.name,
            name=self.name,
            postal_code=self.postal_code,
            commune_name=self.commune.name if self.commune else self.commune_name,
        )
        super().save(*args, **kwargs)

    @property
    def naf_label(self) -> str:
        return naf_label(self.naf_code)

    @property
    def nafa_label(self) -> str:
        return nafa_label(self.nafa_code)

    @property
    def staff_size_label(self) -> str:
        return staff_size_label(self.staff_size_code)
