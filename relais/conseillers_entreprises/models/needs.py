from django.conf import settings
from django.db import models

from relais.core.models import PublicIdModel, TimestampedModel

from ..enums import MatchStatus, NeedStatus
from .directory import Expert
from .querysets import MatchQuerySet, NeedQuerySet
from .solicitations import Solicitation
from .taxonomy import Subject


class Diagnosis(PublicIdModel, TimestampedModel):
    """An "analyse": the company, its context and its needs, built by support from a solicitation or by an advisor."""

    solicitation = models.OneToOneField(
        Solicitation,
        verbose_name="sollicitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="diagnosis",
    )
    establishment = models.ForeignKey(
        "companies.Establishment",
        verbose_name="établissement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="conseiller",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="diagnoses",
        help_text="L’agent qui a détecté les besoins ; il est informé de leur suivi.",
    )
    content = models.TextField("contexte", blank=True)
    # The manager the advisor met, for an analysis made without a solicitation (which otherwise holds the contact).
    contact_name = models.CharField("nom du dirigeant rencontré", max_length=200, blank=True)
    contact_email = models.EmailField("adresse électronique du dirigeant", max_length=254, blank=True)
    contact_phone = models.CharField("téléphone du dirigeant", max_length=32, blank=True)
    # Sent with the advisor's form so that a second click returns the analysis the first one created.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    manager_consent = models.BooleanField("accord du dirigeant", default=False)
    completed_at = models.DateTimeField("transmise le", null=True, blank=True)
    anonymised_at = models.DateTimeField(
        "anonymisée le",
        null=True,
        blank=True,
        help_text="Coordonnées, contexte, descriptions et fil d’échanges effacés ; sujets, établissement, dates et "
        "statuts restent pour les statistiques.",
    )

    class Meta:
        verbose_name = "analyse"
        verbose_name_plural = "analyses"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Analyse {self.public_id}"


class Need(PublicIdModel, TimestampedModel):
    diagnosis = models.ForeignKey(Diagnosis, verbose_name="analyse", on_delete=models.CASCADE, related_name="needs")
    subject = models.ForeignKey(Subject, verbose_name="sujet", on_delete=models.PROTECT, related_name="needs")
    content = models.TextField("description", blank=True)
    status = models.CharField(
        "statut",
        max_length=24,
        choices=NeedStatus.choices,
        default=NeedStatus.DIAGNOSIS_NOT_COMPLETE,
        db_index=True,
        help_text="Déduit des positions des experts ; stocké pour les listes et les relances.",
    )
    not_contacted_at = models.DateTimeField(
        "entreprise non rappelée, signalé le",
        null=True,
        blank=True,
        help_text="L’entreprise a signalé sur sa page de suivi qu’aucun conseiller ne l’a contactée.",
    )

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "besoin"
        verbose_name_plural = "besoins"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} ({self.get_status_display()})"


class Match(PublicIdModel, TimestampedModel):
    """The link between a need and an expert team, with that team's position on it."""

    need = models.ForeignKey(Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="matches")
    expert = models.ForeignKey(Expert, verbose_name="expert", on_delete=models.PROTECT, related_name="matches")
    subject = models.ForeignKey(Subject, verbose_name="sujet", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "statut", max_length=24, choices=MatchStatus.choices, default=MatchStatus.QUO, db_index=True
    )
    sent_at = models.DateTimeField("transmise le", null=True, blank=True, db_index=True)
    taken_care_of_at = models.DateTimeField("prise en charge le", null=True, blank=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)
    # The company's name, SIRET, contact and subject as the team received them: what the inbox search reads.
    search_text = models.CharField("texte de recherche", max_length=500, blank=True, editable=False)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = "mise en relation"
        verbose_name_plural = "mises en relation"
        ordering = ["-created_at"]
        # The inbox counts its tabs, pages them and searches them from this index alone (services/inbox.py): the
        # search text rides along (PostgreSQL's INCLUDE), so a team's 25 000 matches are filtered without reading
        # the table. SQLite ignores INCLUDE and reads the rows of the team.
        indexes = [
            models.Index(
                fields=["expert", "status", "sent_at", "id"], include=["search_text"], name="ce_match_inbox_search"
            )
        ]
        constraints = [models.UniqueConstraint(fields=["need", "expert"], name="ce_match_unique_expert")]

    def __str__(self):
        return f"{self.expert} — {self.get_status_display()}"
