from django import forms
from dsfr.forms import DsfrBaseForm

from relais.companies.validators import SirenField

from .enums import ContactCategory


class ContactForm(DsfrBaseForm):
    name = forms.CharField(
        label="Vos prénom et nom",
        max_length=150,
        error_messages={"required": "Indiquez vos prénom et nom."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="La réponse vous sera envoyée à cette adresse. Format attendu : nom@domaine.fr",
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    siren = SirenField(
        label="SIREN de votre organisation",
        required=False,
        help_text="Facultatif. 9 chiffres, indiqués sur l'extrait Kbis ou l'avis de situation Insee.",
    )
    category = forms.ChoiceField(
        label="Votre demande concerne",
        choices=[("", "Sélectionnez une option"), *ContactCategory.choices],
        error_messages={"required": "Choisissez le sujet de votre demande."},
    )
    message = forms.CharField(
        label="Votre message",
        max_length=5000,
        help_text="Ne communiquez jamais votre mot de passe.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Écrivez votre message.",
            "max_length": "Votre message est trop long : %(limit_value)d caractères au plus (il en compte "
            "%(show_value)d).",
        },
    )
    # Honeypot: hidden from people (and from screen readers), filled in by robots that fill every field.
    website = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
