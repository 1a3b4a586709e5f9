from django import forms
from dsfr.forms import DsfrBaseForm

from ..enums import CLOSED_STATUSES, MatchStatus


class PositioningForm(DsfrBaseForm):
    TAKE_CHARGE = "take_charge"
    REFUSE = "refuse"
    CLOSE = "close"
    REOPEN = "reopen"

    action = forms.ChoiceField(
        choices=[
            (TAKE_CHARGE, "Prendre en charge"),
            (REFUSE, "Ce n’est pas pour moi"),
            (CLOSE, "Clôturer"),
            (REOPEN, "Annuler ma réponse"),
        ]
    )
    reason = forms.CharField(
        label="Motif du refus (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il aide l’équipe support à mieux orienter les prochaines demandes.",
    )
    outcome = forms.ChoiceField(
        label="Issue de votre intervention",
        required=False,
        choices=[(status.value, status.label) for status in map(MatchStatus, CLOSED_STATUSES)],
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.CLOSE and not cleaned.get("outcome"):
            self.add_error("outcome", "Choisissez l’issue de votre intervention.")
        return cleaned


class CommentForm(DsfrBaseForm):
    body = forms.CharField(
        label="Votre message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Visible des experts notifiés sur ce besoin et de l’équipe support.",
        error_messages={"required": "Écrivez un message."},
    )
    addressed_to_support = forms.BooleanField(label="Adresser aussi à l’équipe support", required=False)
