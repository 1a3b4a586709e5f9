from django.conf import settings
from django.db import models

from relais.core.models import PublicIdModel, TimestampedModel

from ..enums import LandingIntegration, SolicitationAction, SolicitationSource, SolicitationStatus
from .taxonomy import Subject, SubjectQuestion, Theme


class Landing(TimestampedModel):
    """An entry point of the public form: the service's own home, or a partner site that embeds it in an iframe."""

    slug = models.SlugField("identifiant", max_length=100, unique=True)
    title = models.CharField("titre", max_length=200)
    partner_name = models.CharField("partenaire", max_length=200, blank=True)
    partner_url = models.URLField("site du partenaire", blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name="thèmes proposés", blank=True, help_text="Vide : tous les thèmes."
    )
    iframe_allowed = models.BooleanField(
        "intégrable en iframe",
        default=False,
        help_text="Autorise l’affichage du formulaire dans le site d’un partenaire.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Décocher pour archiver la page : elle n’est plus accessible (404)."
    )
    institution = models.ForeignKey(
        "Institution",
        verbose_name="institution partenaire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="landings",
        help_text="L’institution à qui la page appartient : ses clés d’API la voient, son webhook suit les demandes "
        "déposées ici, ses origines autorisées peuvent l’afficher en iframe.",
    )
    integration = models.CharField(
        "mode d’intégration", max_length=16, choices=LandingIntegration.choices, default=LandingIntegration.SERVICE
    )
    subjects = models.ManyToManyField(
        Subject,
        verbose_name="sujets proposés",
        blank=True,
        related_name="+",
        help_text="Mode « liste de sujets » : ceux-ci ; mode « formulaire » : un seul.",
    )
    is_paused = models.BooleanField(
        "en pause",
        default=False,
        help_text="La page reste en ligne mais n’accepte plus de demande : elle renvoie vers l’accueil du service.",
    )

    class Meta:
        verbose_name = "page d’accueil"
        verbose_name_plural = "pages d’accueil"
        ordering = ["title"]

    def __str__(self):
        return self.title


class CancellationTemplate(models.Model):
    """The email sent to the company when support cancels its request (bad quality, invalid SIRET…)."""

    slug = models.SlugField("identifiant", max_length=100, unique=True)
    title = models.CharField("motif", max_length=200)
    email_subject = models.CharField("objet du courriel", max_length=200, blank=True)
    email_body = models.TextField(
        "texte du courriel", blank=True, help_text="Vide : aucun courriel n’est envoyé (par exemple pour un spam)."
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "motif d’abandon"
        verbose_name_plural = "motifs d’abandon"
        ordering = ["position", "title"]

    def __str__(self):
        return self.title


class Solicitation(PublicIdModel, TimestampedModel):
    """A request filed by a company without an account, before support turns it into needs."""

    status = models.CharField(
        "statut", max_length=16, choices=SolicitationStatus.choices, default=SolicitationStatus.DRAFT, db_index=True
    )
    landing = models.ForeignKey(
        Landing, verbose_name="page d’accueil", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, verbose_name="sujet", on_delete=models.PROTECT, null=True, blank=True, related_name="solicitations"
    )
    description = models.TextField("description du besoin", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True, db_index=True)
    establishment = models.ForeignKey(
        "companies.Establishment",
        verbose_name="établissement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solicitations",
    )
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=32, blank=True)
    email = models.EmailField("adresse électronique", blank=True, db_index=True)
    terms_accepted_at = models.DateTimeField("CGU acceptées le", null=True, blank=True)
    source = models.CharField(
        "origine", max_length=16, choices=SolicitationSource.choices, default=SolicitationSource.SITE
    )
    origin_url = models.URLField("page d’origine", max_length=500, blank=True)
    tracking = models.JSONField("paramètres de campagne", default=dict, blank=True)
    submission_token = models.UUIDField(
        "jeton d’envoi", null=True, blank=True, unique=True, help_text="Rend l’envoi idempotent (double clic)."
    )
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True, db_index=True)
    processed_at = models.DateTimeField("transmise le", null=True, blank=True)
    canceled_at = models.DateTimeField("abandonnée le", null=True, blank=True)
    cancellation = models.ForeignKey(
        CancellationTemplate,
        verbose_name="motif d’abandon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(
        "anonymisée le",
        null=True,
        blank=True,
        help_text="Coordonnées et description effacées (conservation, droit à l’effacement) ; sujet, établissement, "
        "dates et statut restent pour les statistiques.",
    )

    class Meta:
        verbose_name = "sollicitation"
        verbose_name_plural = "sollicitations"
        ordering = ["-submitted_at", "-created_at"]
        permissions = [("triage_solicitation", "Trier les sollicitations (équipe support)")]

    def __str__(self):
        return f"Sollicitation de {self.full_name or self.email or 'anonyme'}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def answers_by_question(self) -> dict[int, bool]:
        """The company's answers to the subject's questions, as routing reads them."""
        return dict(self.answers.values_list("question_id", "answer"))


class SolicitationAnswer(models.Model):
    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SubjectQuestion, on_delete=models.PROTECT, related_name="answers")
    answer = models.BooleanField("réponse")

    class Meta:
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "question"], name="ce_solicitationanswer_unique")
        ]

    def __str__(self):
        return f"{self.question} : {'oui' if self.answer else 'non'}"


class SolicitationEvent(models.Model):
    """What happened to a solicitation, by whom: the support team's audit trail."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("action", max_length=32, choices=SolicitationAction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    details = models.JSONField("détails", default=dict, blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "événement d’une sollicitation"
        verbose_name_plural = "événements des sollicitations"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.get_action_display()


class BlockedEmail(models.Model):
    """An address, or a whole domain written `@domaine.fr`, whose requests are refused as spam."""

    pattern = models.CharField("adresse ou domaine", max_length=254, unique=True)
    reason = models.CharField("motif", max_length=200, blank=True)
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "adresse bloquée"
        verbose_name_plural = "adresses bloquées"
        ordering = ["pattern"]

    def __str__(self):
        return self.pattern


class NewsletterSubscription(PublicIdModel, TimestampedModel):
    """Double opt-in: the address counts once the link sent to it was followed; every issue links to unsubscribe."""

    email = models.EmailField("adresse électronique", unique=True)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désinscrite le", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement à la lettre d’information"
        verbose_name_plural = "abonnements à la lettre d’information"
        ordering = ["-created_at"]

    def __str__(self):
        return self.email
