from django import forms
from dsfr.forms import DsfrBaseForm

from relais.core.phones import PhoneField


class CompanySearchForm(DsfrBaseForm):
    q = forms.CharField(
        label="Rechercher une entreprise",
        max_length=100,
        help_text="Nom de l’entreprise, SIREN ou SIRET.",
        error_messages={"required": "Saisissez un nom, un SIREN ou un SIRET."},
    )


class AnalysisForm(DsfrBaseForm):
    """The company's context and the manager met; the needs come in their own formset."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    content = forms.CharField(
        label="Contexte de l’entreprise",
        help_text="Ce que vous savez de sa situation : il est transmis aux experts avec chaque besoin.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Décrivez le contexte de l’entreprise."},
    )
    contact_name = forms.CharField(
        label="Nom du dirigeant rencontré",
        max_length=200,
        error_messages={"required": "Indiquez le nom du dirigeant : les experts le rappelleront."},
    )
    contact_email = forms.EmailField(
        label="Adresse électronique du dirigeant",
        required=False,
        max_length=254,
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@entreprise.fr."},
    )
    contact_phone = PhoneField(label="Téléphone du dirigeant", required=False)
    manager_consent = forms.BooleanField(
        label="Le dirigeant a donné son accord pour que ses besoins soient transmis aux experts",
        error_messages={"required": "Cochez cette case : les besoins ne sont transmis qu’avec l’accord du dirigeant."},
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("contact_email") and not cleaned.get("contact_phone") and "contact_phone" not in self.errors:
            self.add_error("contact_phone", "Indiquez au moins un téléphone ou une adresse électronique du dirigeant.")
        return cleaned
