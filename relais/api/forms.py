import uuid

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm

from .enums import Scope
from .models import Partner


class ApiKeyForm(DsfrBaseForm):
    name = forms.CharField(
        label="Nom de la clé",
        max_length=100,
        help_text="Pour la reconnaître : « Site de production », « Recette »…",
        error_messages={"required": "Donnez un nom à la clé."},
    )
    scopes = forms.MultipleChoiceField(
        label="Droits de la clé",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un droit."},
    )
    # Sent with the form: a second click on « Créer » must not create a second key.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (scope.value, scope.label) for scope in Scope if scope in partner.allowed_scopes
        ]
        self.fields["scopes"].help_text = "Ne donnez à une clé que les droits dont l’application a besoin."


class WebhookForm(DsfrBaseForm):
    webhook_url = forms.URLField(
        label="Adresse du webhook",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Une adresse https:// de votre site qui reçoit les changements de statut de vos demandes. "
        "Vide : aucun envoi.",
        error_messages={"invalid": "Saisissez une adresse web valide, par exemple https://exemple.fr/relais."},
    )
    regenerate_secret = forms.BooleanField(
        label="Générer un nouveau secret de signature",
        required=False,
        help_text="L’ancien secret cesse aussitôt de signer les envois.",
    )

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"].strip()
        if url and not url.startswith("https://") and not settings.API_WEBHOOK_ALLOW_PRIVATE:
            raise forms.ValidationError("Le webhook doit être une adresse https://.")
        return url
