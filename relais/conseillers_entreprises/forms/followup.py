from django import forms
from dsfr.forms import DsfrBaseForm

from ..enums import ReminderBasket

YES_NO = [("oui", "Oui"), ("non", "Non")]


class BasketActionForm(DsfrBaseForm):
    """The basket a one-click action comes from: the need leaves that basket only."""

    basket = forms.ChoiceField(choices=ReminderBasket.choices, widget=forms.HiddenInput)


class CompanyReplyForm(DsfrBaseForm):
    basket = forms.ChoiceField(choices=ReminderBasket.choices, widget=forms.HiddenInput)
    subject = forms.CharField(
        label="Objet du courriel",
        max_length=200,
        error_messages={"required": "Indiquez l’objet du courriel."},
    )
    body = forms.CharField(
        label="Message à l’entreprise",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="La formule de politesse et la signature de l’équipe sont ajoutées automatiquement.",
        error_messages={"required": "Écrivez le message à envoyer à l’entreprise."},
    )


class SatisfactionForm(DsfrBaseForm):
    called_back = forms.TypedChoiceField(
        label="Un conseiller vous a-t-il rappelé ?",
        choices=YES_NO,
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si un conseiller vous a rappelé."},
    )
    useful = forms.TypedChoiceField(
        label="Cet échange vous a-t-il été utile ?",
        choices=YES_NO,
        coerce=lambda value: value == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez si cet échange vous a été utile."},
    )
    comment = forms.CharField(
        label="Commentaire (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que le conseiller vous a proposé, ce qui vous a manqué…",
    )
