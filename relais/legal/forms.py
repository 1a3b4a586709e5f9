from django import forms
from dsfr.forms import DsfrBaseForm


class AcceptTermsForm(DsfrBaseForm):
    # The versions the person was shown: a version published while they were reading is not accepted unseen.
    versions = forms.CharField(widget=forms.HiddenInput)
    accepted = forms.BooleanField(
        label="J'ai lu et j'accepte ces conditions d'utilisation",
        error_messages={"required": "Cochez la case pour accepter les conditions d'utilisation et continuer."},
    )

    def shown_version_ids(self) -> set[str]:
        return set(self.cleaned_data["versions"].split(","))
