"""Candidates, host structures, the matching pairs and the recruitment matches, advisors' places of activity."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from relais.core.models import PublicIdModel, TimestampedModel
from relais.organizations.models import Organization
from relais.territories.models import Commune, Department

from .enums import (
    ALL_FRANCE,
    AgentKind,
    CandidateStatus,
    ContractType,
    Distance,
    MatchStatus,
    Opinion,
    PixLevel,
    PlaceAccess,
    RuptureReason,
    StructureKind,
    StructureStatus,
)
from .querysets import CandidateQuerySet, HostStructureQuerySet, RecruitmentMatchQuerySet


def cv_path(instance, filename: str) -> str:
    return f"conseiller_numerique/cv/{filename}"


class Candidate(PublicIdModel, TimestampedModel):
    """A person applying to become a conseiller numérique; once recruited, the advisor in post."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cn_candidate",
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse électronique")
    phone = models.CharField("téléphone", max_length=20)
    commune = models.ForeignKey(Commune, verbose_name="commune", on_delete=models.PROTECT, related_name="+")
    # Metropolitan France, or the code of the overseas département (derived from the commune).
    territory = models.CharField("territoire", max_length=10, editable=False)
    # The commune's centre, copied so that the matching reads one table.
    latitude = models.FloatField("latitude", null=True, editable=False)
    longitude = models.FloatField("longitude", null=True, editable=False)
    is_job_seeker = models.BooleanField("demandeur d'emploi", default=False)
    is_employed = models.BooleanField("en emploi", default=False)
    is_in_training = models.BooleanField("en formation", default=False)
    has_diploma = models.BooleanField("diplômé(e) de la médiation numérique", default=False)
    diploma_name = models.CharField("intitulé du diplôme", max_length=200, blank=True)
    has_experience = models.BooleanField("expérience en médiation numérique", default=False)
    available_from = models.DateField("disponible à partir du")
    max_distance_km = models.PositiveSmallIntegerField("distance maximale", choices=Distance.choices)
    motivation = models.TextField("motivation", max_length=2500)
    cv = models.FileField("CV", upload_to=cv_path, blank=True)
    cv_uploaded_at = models.DateTimeField("CV déposé le", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.UNCONFIRMED
    )
    confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)
    last_activity_at = models.DateTimeField("dernière activité le", null=True, blank=True)
    # Pix (imported by import_pix; shown to structures only when shared).
    pix_level = models.PositiveSmallIntegerField("niveau Pix", choices=PixLevel.choices, null=True, blank=True)
    pix_date = models.DateField("date du parcours Pix", null=True, blank=True)
    pix_scores = models.JSONField("scores Pix par compétence", default=list, blank=True)
    pix_shared = models.BooleanField("résultat Pix partagé", default=False)
    pix_invited_at = models.DateTimeField("invitation Pix envoyée le", null=True, blank=True)
    # The advisor in post: professional contact and the right of opposition to the public map.
    professional_email = models.EmailField("adresse électronique professionnelle", blank=True)
    professional_phone = models.CharField("téléphone professionnel", max_length=20, blank=True)
    opposes_publication = models.BooleanField("s'oppose à la publication de son nom", default=False)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "candidat"
        verbose_name_plural = "candidats"
        ordering = ["last_name", "first_name"]
        indexes = [
            # Everything a structure's list reads of the candidates of "toute la France" (its count by rings, its
            # nearest first): both read the index alone, never the rows.
            models.Index(
                fields=[
                    "territory",
                    "max_distance_km",
                    "status",
                    "available_from",
                    "confirmed_at",
                    "latitude",
                    "longitude",
                    "id",
                ],
                name="cn_cand_allfr",
            ),
            models.Index(fields=["email"], name="cn_cand_email"),
            # A structure's recomputation: for each radius, a latitude band and the longitudes its boxes reach. Its
            # list: the candidates of 100 km in the box of 100 km around it, counted and read nearest first in the
            # index alone (what follows the place: the rest of what the list tests).
            models.Index(
                fields=[
                    "territory",
                    "max_distance_km",
                    "latitude",
                    "longitude",
                    "status",
                    "available_from",
                    "confirmed_at",
                    "id",
                ],
                name="cn_cand_place",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_all_france(self) -> bool:
        return self.max_distance_km == ALL_FRANCE

    @property
    def situations(self) -> list[str]:
        labels = []
        if self.is_job_seeker:
            labels.append("Demandeur ou demandeuse d'emploi")
        if self.is_employed:
            labels.append("En emploi")
        if self.is_in_training:
            labels.append("En formation")
        return labels


class HostStructure(PublicIdModel, TimestampedModel):
    """A structure that wants to host conseillers numériques: an organisation of the Portail (by SIREN)."""

    organization = models.ForeignKey(
        Organization, verbose_name="organisation", on_delete=models.PROTECT, related_name="cn_structures"
    )
    kind = models.CharField("type", max_length=16, choices=StructureKind.choices)
    siret = models.CharField("SIRET", max_length=14)
    name = models.CharField("nom", max_length=255)
    address = models.CharField("adresse", max_length=255, blank=True)
    commune = models.ForeignKey(Commune, verbose_name="commune", on_delete=models.PROTECT, related_name="+")
    territory = models.CharField("territoire", max_length=10, editable=False)
    latitude = models.FloatField("latitude", null=True, editable=False)
    longitude = models.FloatField("longitude", null=True, editable=False)
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.PROTECT, related_name="+", editable=False
    )
    mission_start = models.DateField("début de la mission")
    posts_wanted = models.PositiveSmallIntegerField("postes demandés")
    posts_granted = models.PositiveSmallIntegerField("postes accordés", default=0)
    motivation = models.TextField("motivation", max_length=2500)
    contact_first_name = models.CharField("prénom du contact", max_length=100)
    contact_last_name = models.CharField("nom du contact", max_length=100)
    contact_function = models.CharField("fonction du contact", max_length=150)
    contact_email = models.EmailField("adresse électronique du contact")
    contact_phone = models.CharField("téléphone du contact", max_length=20)
    status = models.CharField(
        "statut", max_length=32, choices=StructureStatus.choices, default=StructureStatus.UNCONFIRMED
    )
    confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)
    last_activity_at = models.DateTimeField("dernière activité le", null=True, blank=True)

    objects = HostStructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure accueillante"
        verbose_name_plural = "structures accueillantes"
        ordering = ["name"]
        indexes = [models.Index(fields=["territory", "status", "latitude"], name="cn_struct_place")]

    def __str__(self):
        return self.name


class StructureDecision(models.Model):
    """The log of a structure's statuses: who decided what, when, with how many posts."""

    structure = models.ForeignKey(HostStructure, on_delete=models.CASCADE, related_name="decisions")
    from_status = models.CharField("ancien statut", max_length=32, choices=StructureStatus.choices)
    to_status = models.CharField("nouveau statut", max_length=32, choices=StructureStatus.choices)
    posts_granted = models.PositiveSmallIntegerField("postes accordés", null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "décision sur une structure"
        verbose_name_plural = "décisions sur les structures"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.structure} : {self.get_to_status_display()}"


class PrefectOpinion(TimestampedModel):
    structure = models.OneToOneField(HostStructure, on_delete=models.CASCADE, related_name="prefect_opinion")
    opinion = models.CharField("avis", max_length=16, choices=Opinion.choices)
    comment = models.TextField("commentaire", max_length=1000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "avis du préfet"
        verbose_name_plural = "avis des préfets"


class Agent(models.Model):
    """A prefecture agent (scoped to a département) or a member of the national team."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cn_agent")
    kind = models.CharField("rôle", max_length=16, choices=AgentKind.choices)
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "agent (préfecture ou équipe nationale)"
        verbose_name_plural = "agents (préfectures et équipe nationale)"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AgentKind.NATIONAL) | Q(department__isnull=False), name="cn_agent_prefecture_dept"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()}"


class MatchPair(models.Model):
    """A (candidate, structure) pair within the candidate's radius, both eligible, with the distance between them:
    the geographic part of the matching rule, kept up to date incrementally. A candidate who no longer matches
    loses their pairs in the same transaction. The date part depends on today and is applied when listing, on the
    availability date copied here; candidates of 100 km and of "toute la France" are never stored here, a list finds
    them around its structure (see matching.py)."""

    # (candidate, structure): unique, and a candidate's pairs (their recomputation, the cascade of a deletion) are
    # a range of it. No surrogate id: a third index on millions of rows for nothing. On SQLite the table is stored
    # in this key's order (WITHOUT ROWID, migration 0006): it is the key's index itself.
    pk = models.CompositePrimaryKey("candidate", "structure")
    # No foreign-key constraint in the database: checking it for each of millions of rows would double the time of
    # a rebuild; the rows are written only by matching.py from existing rows, and deleted with them (CASCADE).
    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="pairs", db_index=False, db_constraint=False
    )
    structure = models.ForeignKey(
        HostStructure, on_delete=models.CASCADE, related_name="pairs", db_index=False, db_constraint=False
    )
    # The great-circle distance the rule compared with the radius (matching.py computes it, nothing else writes it).
    distance_km = models.FloatField("distance (km)")
    # The candidate's availability date, copied (matching.sync_candidate keeps it equal, in the transaction that
    # changes it): a structure's list and its count then read its pairs in the index alone, without the candidates.
    available_from = models.DateField("disponible à partir du")

    class Meta:
        verbose_name = "paire géographique"
        verbose_name_plural = "paires géographiques"
        # (structure, distance, candidate, availability): a structure's list reads its nearest candidates available
        # in time from the index in order, counts them there, and its recomputation finds its pairs there.
        indexes = [
            models.Index(fields=["structure", "distance_km", "candidate", "available_from"], name="cn_pair_nearest")
        ]

    def __str__(self):
        return f"{self.candidate_id} → {self.structure_id}"


class RecruitmentMatch(PublicIdModel, TimestampedModel):
    """What a structure did with a candidate: created on its first action, kept across recomputations."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="matches")
    structure = models.ForeignKey(HostStructure, on_delete=models.CASCADE, related_name="matches")
    status = models.CharField("statut", max_length=16, choices=MatchStatus.choices, default=MatchStatus.NEW)
    contract_type = models.CharField("type de contrat", max_length=16, choices=ContractType.choices, blank=True)
    contract_start = models.DateField("début du contrat", null=True, blank=True)
    contract_end = models.DateField("fin du contrat", null=True, blank=True)
    gross_salary = models.DecimalField("salaire brut mensuel", max_digits=8, decimal_places=2, null=True, blank=True)
    recruited_at = models.DateTimeField("recruté(e) le", null=True, blank=True)
    rupture_date = models.DateField("date de rupture", null=True, blank=True)
    rupture_reason = models.CharField("motif de rupture", max_length=20, choices=RuptureReason.choices, blank=True)

    objects = RecruitmentMatchQuerySet.as_manager()

    class Meta:
        verbose_name = "mise en relation"
        verbose_name_plural = "mises en relation"
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["candidate", "structure"], name="cn_match_unique")]


class MatchStatusChange(models.Model):
    match = models.ForeignKey(RecruitmentMatch, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField("ancien statut", max_length=16, choices=MatchStatus.choices)
    to_status = models.CharField("nouveau statut", max_length=16, choices=MatchStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement de statut d'une mise en relation"
        verbose_name_plural = "changements de statut des mises en relation"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ActivityPlace(PublicIdModel, TimestampedModel):
    """A place where an advisor in post receives the public."""

    advisor = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="places")
    name = models.CharField("nom du lieu", max_length=200)
    address = models.CharField("adresse", max_length=255)
    commune = models.ForeignKey(Commune, verbose_name="commune", on_delete=models.PROTECT, related_name="+")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    website = models.URLField("site internet", blank=True)
    opening_hours = models.CharField("horaires d'ouverture", max_length=300, blank=True)
    access = models.CharField("accès", max_length=16, choices=PlaceAccess.choices, default=PlaceAccess.FREE)

    class Meta:
        verbose_name = "lieu d'activité"
        verbose_name_plural = "lieux d'activité"
        ordering = ["name"]

    def __str__(self):
        return self.name
