from django import forms
from dsfr.forms import DsfrBaseForm

from relais.companies.validators import SirenField

from .models import DigitalService


class JoinOrganizationForm(DsfrBaseForm):
    siren = SirenField(label="SIREN de votre entreprise ou structure")


class AccessManagerCodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code responsable des accès",
        max_length=20,
        help_text="12 caractères, fournis par l'administrateur du service (par exemple ABCD-EFGH-JKMN).",
    )


class _ServiceRightsForm(DsfrBaseForm):
    rights = forms.ModelMultipleChoiceField(
        label="Habilitations", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, service: DigitalService, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights"].queryset = service.rights.all()


class RightsForm(_ServiceRightsForm):
    pass


class AccessRequestForm(_ServiceRightsForm):
    message = forms.CharField(
        label="Message aux responsables des accès (facultatif)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rights"].label = "Habilitations souhaitées"


class DecisionForm(_ServiceRightsForm):
    ACCEPT = "accept"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        choices=[(ACCEPT, "Accepter"), (REFUSE, "Refuser")], widget=forms.HiddenInput, required=False
    )
    comment = forms.CharField(
        label="Motif du refus (facultatif, transmis à la personne)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.ACCEPT and not cleaned.get("rights"):
            self.add_error("rights", "Choisissez au moins une habilitation pour accepter la demande.")
        return cleaned


class InvitationForm(_ServiceRightsForm):
    email = forms.EmailField(label="Adresse électronique de la personne invitée")
    is_third_party_declarant = forms.BooleanField(
        label="Cette personne agit pour une autre organisation (tiers déclarant)", required=False
    )
    declarant_siren = SirenField(label="SIREN de l'organisation du tiers déclarant", required=False)

    def clean(self):
        cleaned = super().clean()
        declarant = cleaned.get("is_third_party_declarant")
        if declarant and not cleaned.get("declarant_siren") and "declarant_siren" not in self.errors:
            self.add_error("declarant_siren", "Indiquez le SIREN de l'organisation du tiers déclarant.")
        if not cleaned.get("is_third_party_declarant"):
            cleaned["declarant_siren"] = ""
        return cleaned


class AppointManagerForm(DsfrBaseForm):
    """Application administrators name someone by email: the person must already act for the organisation."""

    email = forms.EmailField(label="Adresse électronique d'un membre de l'organisation")
