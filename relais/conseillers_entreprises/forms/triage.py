from django import forms
from dsfr.forms import DsfrBaseForm

from relais.territories.models import Region

from ..enums import SolicitationSource
from ..models import CancellationTemplate, Subject


class QueueFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Nom, adresse électronique, SIRET, entreprise ou mots de la description.",
    )
    region = forms.ModelChoiceField(
        label="Région", queryset=Region.objects.all(), to_field_name="insee_code", required=False, empty_label="Toutes"
    )
    subject = forms.ModelChoiceField(
        label="Sujet",
        queryset=Subject.objects.filter(is_archived=False).order_by("label"),
        to_field_name="slug",
        required=False,
        empty_label="Tous",
    )
    source = forms.ChoiceField(label="Origine", choices=[("", "Toutes"), *SolicitationSource.choices], required=False)


class CancelForm(DsfrBaseForm):
    template = forms.ModelChoiceField(
        label="Motif d’abandon",
        queryset=CancellationTemplate.objects.all(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choisissez un motif d’abandon."},
    )
