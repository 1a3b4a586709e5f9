from django import forms
from dsfr.forms import DsfrBaseForm

from ..models import AccountRequest, Expert


class TeamsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Expert) -> str:
        return f"{obj.name} — {obj.antenne.name} ({obj.antenne.institution.name})"


class TeamsForm(DsfrBaseForm):
    """The expert teams an agent is invited to; `teams` are those offered (the search narrows them for support)."""

    experts = TeamsField(
        label="Équipes d’experts",
        queryset=Expert.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une équipe."},
    )
    expert_query = forms.CharField(
        label="Rechercher une équipe",
        required=False,
        max_length=100,
        help_text="Nom de l’équipe, de l’antenne ou de l’institution.",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = teams


class InvitationForm(TeamsForm):
    email = forms.EmailField(
        label="Adresse électronique professionnelle",
        max_length=254,
        help_text="Format attendu : nom@institution.fr. L’invitation y sera envoyée.",
        error_messages={
            "required": "Indiquez l’adresse électronique professionnelle de l’agent.",
            "invalid": "Saisissez une adresse électronique valide, par exemple nom@institution.fr.",
        },
    )
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)

    field_order = ["email", "first_name", "last_name", "expert_query", "experts"]


class RefusalForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif du refus",
        help_text="Il est envoyé à l’agent.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez le motif du refus : l’agent le recevra."},
    )


class AccountRequestForm(DsfrBaseForm, forms.ModelForm):
    # Honeypot: hidden from people (and from screen readers), filled in by robots that fill every field.
    website = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = AccountRequest
        fields = ["first_name", "last_name", "email", "phone", "institution", "antenne", "message"]
        labels = {"message": "Votre fonction et votre message"}
        help_texts = {
            "email": "Celle de votre organisme, par exemple nom@institution.fr.",
            "institution": "Par exemple : CCI, Chambre de métiers et de l’artisanat, Urssaf, Bpifrance…",
            "antenne": "Votre délégation, agence ou antenne territoriale.",
            "message": "Votre fonction et les sujets sur lesquels vous accompagnez les entreprises.",
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "first_name": {"required": "Indiquez votre prénom."},
            "last_name": {"required": "Indiquez votre nom."},
            "email": {
                "required": "Indiquez votre adresse électronique professionnelle.",
                "invalid": "Saisissez une adresse électronique valide, par exemple nom@institution.fr.",
            },
            "institution": {"required": "Indiquez votre institution."},
            "message": {"required": "Présentez-vous en quelques mots : votre fonction, vos sujets."},
        }

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
