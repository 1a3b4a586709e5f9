from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from relais.core.models import PublicIdModel, TimestampedModel

from ..enums import InstitutionCategory, TerritorialLevel, ZoneType
from .taxonomy import Subject, SubjectQuestion


def validate_origins(value) -> None:
    """A list of origins written `https://exemple.fr` (scheme and host, optional port, nothing else)."""
    if not isinstance(value, list):
        raise ValidationError('Saisissez une liste d’origines, par exemple ["https://exemple.fr"].')
    for origin in value:
        parts = urlsplit(origin) if isinstance(origin, str) else None
        if (
            not parts
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or origin != f"{parts.scheme}://{parts.netloc}"
        ):
            raise ValidationError(f"« {origin} » n’est pas une origine : écrivez https://exemple.fr, sans chemin.")


class Institution(TimestampedModel):
    name = models.CharField("nom", max_length=200, unique=True)
    slug = models.SlugField("identifiant", max_length=100, unique=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    categories = models.JSONField(
        "catégories", default=list, blank=True, help_text=f"Parmi : {', '.join(InstitutionCategory.values)}."
    )
    is_active = models.BooleanField("active", default=True)
    iframe_origins = models.JSONField(
        "origines autorisées en iframe",
        default=list,
        validators=[validate_origins],
        blank=True,
        help_text="Sites (https://exemple.fr) qui peuvent afficher les pages de l’institution en iframe, en plus "
        "du site partenaire de chaque page.",
    )

    class Meta:
        verbose_name = "institution"
        verbose_name_plural = "institutions"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Antenne(PublicIdModel, TimestampedModel):
    institution = models.ForeignKey(
        Institution, verbose_name="institution", on_delete=models.PROTECT, related_name="antennes"
    )
    name = models.CharField("nom", max_length=200)
    territorial_level = models.CharField(
        "échelon territorial", max_length=16, choices=TerritorialLevel.choices, default=TerritorialLevel.LOCAL
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="responsables d’antenne", blank=True, related_name="managed_antennes"
    )
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "antenne"
        verbose_name_plural = "antennes"
        ordering = ["institution__name", "name"]
        # Routing looks up the national antennes on each need.
        indexes = [models.Index(fields=["territorial_level"], name="ce_antenne_territorial_level")]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="ce_antenne_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.institution})"


class Expert(PublicIdModel, TimestampedModel):
    """A team inside an antenne that receives needs; its users are the agents who answer them."""

    antenne = models.ForeignKey(Antenne, verbose_name="antenne", on_delete=models.PROTECT, related_name="experts")
    name = models.CharField("nom", max_length=200)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=32, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="agents", blank=True, related_name="experts")
    has_own_zones = models.BooleanField(
        "zones propres",
        default=False,
        editable=False,
        help_text="Vrai quand l’expert a ses propres zones, qui remplacent celles de son antenne.",
    )
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "expert"
        verbose_name_plural = "experts"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} — {self.antenne.name}"


class TerritorialZone(models.Model):
    """A commune, EPCI, department or region covered by an antenne, or by an expert (overriding its antenne)."""

    zone_type = models.CharField("type", max_length=16, choices=ZoneType.choices)
    code = models.CharField(
        "code", max_length=9, help_text="Code INSEE, SIREN de l’EPCI, code du département ou de la région."
    )
    antenne = models.ForeignKey(
        Antenne, verbose_name="antenne", on_delete=models.CASCADE, null=True, blank=True, related_name="zones"
    )
    expert = models.ForeignKey(
        Expert, verbose_name="expert", on_delete=models.CASCADE, null=True, blank=True, related_name="zones"
    )

    class Meta:
        verbose_name = "zone territoriale"
        verbose_name_plural = "zones territoriales"
        # Covering for routing: the zones of a place and their owners are read from the index alone.
        indexes = [models.Index(fields=["zone_type", "code", "expert", "antenne"], name="ce_zone_type_code_owner")]
        constraints = [
            models.CheckConstraint(
                condition=Q(antenne__isnull=False, expert__isnull=True) | Q(antenne__isnull=True, expert__isnull=False),
                name="ce_zone_one_owner",
                violation_error_message="Une zone appartient soit à une antenne, soit à un expert.",
            )
        ]

    def __str__(self):
        return f"{self.get_zone_type_display()} {self.code}"


# `Expert.has_own_zones` lets routing choose in SQL between the expert's zones and its antenne's. Zones are written
# from the admin inlines, the CSV import, the demo and the test factories: a signal keeps the flag true exactly when
# the expert has zones wherever a zone is saved or deleted one by one, where a refresh call could be forgotten.
# Bulk writes (bulk_create, used by the benchmark) send no signal and set the flag themselves.
@receiver(post_save, sender=TerritorialZone, dispatch_uid="ce_zone_saved_refresh_own_zones")
@receiver(post_delete, sender=TerritorialZone, dispatch_uid="ce_zone_deleted_refresh_own_zones")
def _refresh_has_own_zones(sender, instance, **kwargs):
    if instance.expert_id is not None:
        Expert.objects.filter(pk=instance.expert_id).update(
            has_own_zones=Exists(TerritorialZone.objects.filter(expert_id=OuterRef("pk")))
        )


class InstitutionSubject(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name="institution", on_delete=models.CASCADE, related_name="institution_subjects"
    )
    subject = models.ForeignKey(
        Subject, verbose_name="sujet", on_delete=models.PROTECT, related_name="institution_subjects"
    )
    description = models.TextField("description de l’offre", blank=True)

    class Meta:
        verbose_name = "sujet d’une institution"
        verbose_name_plural = "sujets des institutions"
        constraints = [models.UniqueConstraint(fields=["institution", "subject"], name="ce_institutionsubject_unique")]

    def __str__(self):
        return f"{self.institution} — {self.subject}"


class ExpertSubject(models.Model):
    expert = models.ForeignKey(Expert, verbose_name="expert", on_delete=models.CASCADE, related_name="expert_subjects")
    institution_subject = models.ForeignKey(
        InstitutionSubject,
        verbose_name="sujet de l’institution",
        on_delete=models.CASCADE,
        related_name="expert_subjects",
    )
    intervention_criteria = models.TextField("critères d’intervention", blank=True)

    class Meta:
        verbose_name = "sujet d’un expert"
        verbose_name_plural = "sujets des experts"
        constraints = [
            models.UniqueConstraint(fields=["expert", "institution_subject"], name="ce_expertsubject_unique")
        ]

    def __str__(self):
        return f"{self.expert} — {self.institution_subject.subject}"


class MatchFilter(models.Model):
    """Conditions on the company that an institution, an antenne or an expert sets to receive a need.

    As the public service applies them: the filters scoped to other subjects are set aside; a filter of the
    expert replaces a filter of its antenne or institution on the same criteria (and the same subjects), a filter
    of the antenne replaces one of its institution; the expert then receives the need when no filter remains or
    when at least one accepts the company. Within a filter every criterion must pass. A criterion that needs a
    piece of company data that is missing rejects the company (an exclusion list does not: nothing is excluded).
    """

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="match_filters"
    )
    antenne = models.ForeignKey(Antenne, on_delete=models.CASCADE, null=True, blank=True, related_name="match_filters")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, null=True, blank=True, related_name="match_filters")
    subjects = models.ManyToManyField(
        Subject, verbose_name="sujets concernés", blank=True, help_text="Vide : le filtre vaut pour tous les sujets."
    )
    min_years_of_existence = models.PositiveSmallIntegerField(
        "ancienneté minimale (ans)",
        null=True,
        blank=True,
        help_text="À la date près : avec 3, une entreprise créée il y a 2 ans et 11 mois est refusée.",
    )
    max_years_of_existence = models.PositiveSmallIntegerField(
        "ancienneté maximale (ans)",
        null=True,
        blank=True,
        help_text="À la date près : avec 3, une entreprise créée il y a 3 ans et 6 mois est refusée.",
    )
    min_staff = models.PositiveIntegerField(
        "effectif minimal",
        null=True,
        blank=True,
        help_text="Salariés au moins, bornes incluses : la tranche d’effectif de l’établissement (sinon celle de "
        "l’entreprise) doit commencer à ce nombre ou au-delà. Une entreprise sans salarié (« NN ») en compte 0.",
    )
    max_staff = models.PositiveIntegerField(
        "effectif maximal",
        null=True,
        blank=True,
        help_text="Salariés au plus, bornes incluses : avec 9, une entreprise de 6 à 9 salariés est acceptée, une "
        "de 10 à 19 ne l’est pas. Tranche de l’établissement, sinon de l’entreprise.",
    )
    accepted_naf_codes = models.JSONField("codes NAF acceptés (préfixes)", default=list, blank=True)
    excluded_naf_codes = models.JSONField("codes NAF exclus (préfixes)", default=list, blank=True)
    accepted_legal_forms = models.JSONField("formes juridiques acceptées (préfixes)", default=list, blank=True)
    excluded_legal_forms = models.JSONField("formes juridiques exclues (préfixes)", default=list, blank=True)
    excluded_communes = models.JSONField("communes exclues (codes INSEE)", default=list, blank=True)

    class Meta:
        verbose_name = "filtre de mise en relation"
        verbose_name_plural = "filtres de mise en relation"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(institution__isnull=False, antenne__isnull=True, expert__isnull=True)
                    | Q(institution__isnull=True, antenne__isnull=False, expert__isnull=True)
                    | Q(institution__isnull=True, antenne__isnull=True, expert__isnull=False)
                ),
                name="ce_matchfilter_one_owner",
                violation_error_message="Un filtre porte sur une institution, une antenne ou un expert, et un seul.",
            )
        ]

    def __str__(self):
        return f"Filtre de {self.institution or self.antenne or self.expert}"


class SubjectAnswerFilter(models.Model):
    """An institution receives the needs of a subject only when the company answered its question this way.

    A need without an answer to the question passes (the public service's rule: an unanswered question filters
    nothing).
    """

    institution = models.ForeignKey(
        Institution, verbose_name="institution", on_delete=models.CASCADE, related_name="answer_filters"
    )
    question = models.ForeignKey(
        SubjectQuestion, verbose_name="question", on_delete=models.CASCADE, related_name="answer_filters"
    )
    answer = models.BooleanField("réponse attendue", help_text="Cochée : « oui » ; décochée : « non ».")

    class Meta:
        verbose_name = "filtre sur une réponse"
        verbose_name_plural = "filtres sur les réponses"
        constraints = [
            models.UniqueConstraint(fields=["institution", "question"], name="ce_subjectanswerfilter_unique"),
        ]

    def __str__(self):
        return f"{self.institution} : {self.question} {'oui' if self.answer else 'non'}"


class Absence(PublicIdModel):
    """A period when an agent does not answer; routing skips teams whose agents are all absent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="agent", on_delete=models.CASCADE, related_name="absences"
    )
    starts_on = models.DateField("du")
    ends_on = models.DateField("au (inclus)")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "absence"
        verbose_name_plural = "absences"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="ce_absence_ordered_dates",
                violation_error_message="La date de fin doit suivre la date de début.",
            )
        ]

    def __str__(self):
        return f"{self.user} du {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"
