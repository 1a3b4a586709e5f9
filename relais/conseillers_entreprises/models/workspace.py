"""What the experts of a need share on its page: the history of their positions and their discussion thread."""

from django.conf import settings
from django.db import models

from ..enums import MatchStatus
from .needs import Match, Need


class MatchStatusChange(models.Model):
    """One position taken by an expert on a match; written by services/positioning.py only."""

    match = models.ForeignKey(
        Match, verbose_name="mise en relation", on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField("ancien statut", max_length=24, choices=MatchStatus.choices)
    to_status = models.CharField("nouveau statut", max_length=24, choices=MatchStatus.choices, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField("motif", blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "changement de statut d’une mise en relation"
        verbose_name_plural = "changements de statut des mises en relation"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class NeedComment(models.Model):
    need = models.ForeignKey(Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField("message")
    addressed_to_support = models.BooleanField("adressé aussi à l’équipe support", default=False)
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "commentaire sur un besoin"
        verbose_name_plural = "commentaires sur les besoins"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Commentaire du {self.created_at:%d/%m/%Y}"
