"""Follow-up of needs after they are sent: support's reminder baskets, the emails the company received, the
weekly digests of the expert teams and the satisfaction survey."""

from django.conf import settings
from django.db import models

from relais.core.models import PublicIdModel

from ..enums import CompanyEmailKind, ReminderActionKind, ReminderBasket
from .directory import Expert
from .needs import Need


class ReminderAction(models.Model):
    """What support did for a need of a basket; the need leaves that basket (and only that one) afterwards."""

    need = models.ForeignKey(Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="reminder_actions")
    basket = models.CharField("panier", max_length=16, choices=ReminderBasket.choices)
    action = models.CharField("action", max_length=24, choices=ReminderActionKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField("courriel envoyé", blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "action de relance"
        verbose_name_plural = "actions de relance"
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["need", "basket"], name="ce_reminderaction_unique_basket")]

    def __str__(self):
        return f"{self.get_basket_display()} : {self.get_action_display()}"


class CompanyEmailSent(models.Model):
    """An automatic email sent to the company about a need: the unique constraint makes each one go once."""

    need = models.ForeignKey(Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="company_emails")
    kind = models.CharField("courriel", max_length=16, choices=CompanyEmailKind.choices)
    recipient = models.EmailField("destinataire")
    created_at = models.DateTimeField("envoyé le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "courriel de suivi envoyé à l’entreprise"
        verbose_name_plural = "courriels de suivi envoyés aux entreprises"
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["need", "kind"], name="ce_companyemailsent_unique_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.recipient}"


class ExpertDigest(models.Model):
    """The weekly digest of a team's pending needs, recorded so that one week never sends it twice."""

    expert = models.ForeignKey(Expert, verbose_name="expert", on_delete=models.CASCADE, related_name="digests")
    week = models.DateField("semaine du", help_text="Le lundi de la semaine.")
    needs_count = models.PositiveIntegerField("besoins en attente")
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "récapitulatif hebdomadaire"
        verbose_name_plural = "récapitulatifs hebdomadaires"
        ordering = ["-week", "pk"]
        constraints = [models.UniqueConstraint(fields=["expert", "week"], name="ce_expertdigest_unique_week")]

    def __str__(self):
        return f"{self.expert} — semaine du {self.week:%d/%m/%Y}"


class SatisfactionAnswer(PublicIdModel):
    """The company's answer to the survey sent after an expert proposed help; one per need."""

    need = models.ForeignKey(Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="satisfaction_answers")
    called_back = models.BooleanField("l’entreprise a été rappelée")
    useful = models.BooleanField("l’échange a été utile")
    comment = models.TextField("commentaire", blank=True)
    shared_with_experts = models.BooleanField("partagée avec les experts", default=False)
    shared_at = models.DateTimeField("partagée le", null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="partagée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("répondu le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "réponse à l’enquête de satisfaction"
        verbose_name_plural = "réponses à l’enquête de satisfaction"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["need"], name="ce_satisfactionanswer_unique_need")]

    def __str__(self):
        return f"Satisfaction du {self.created_at:%d/%m/%Y}"
