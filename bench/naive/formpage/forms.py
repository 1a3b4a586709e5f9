from django import forms
from dsfr.forms import DsfrBaseForm


class ContactForm(DsfrBaseForm):
    name = forms.CharField(label="Nom", max_length=100)
    email = forms.EmailField(label="Adresse électronique")
    phone = forms.CharField(label="Téléphone", max_length=20, required=False)
    topic = forms.ChoiceField(
        label="Sujet",
        choices=[("rh", "Ressources humaines"), ("finance", "Financement"), ("numerique", "Numérique")],
    )
    date = forms.DateField(label="Date souhaitée", widget=forms.DateInput(attrs={"type": "date"}))
    consent = forms.BooleanField(label="J'accepte d'être recontacté")
