from django import forms
from dsfr.forms import DsfrBaseForm

from relais.territories.models import Region

from ..enums import SolicitationSource
from ..models import CancellationTemplate, Expert, Subject

MAX_NEEDS = 10


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


def active_experts():
    return Expert.objects.filter(is_active=True).select_related("antenne__institution")


class RoutedNeedForm(DsfrBaseForm):
    """A need and the expert teams to notify, checked from the routing; shared by triage and the "Analyse".

    `routed_for` is the subject whose routing the checkboxes show, so that a change of subject re-checks the
    experts of the new routing.
    """

    subject = forms.ModelChoiceField(
        label="Sujet",
        queryset=Subject.objects.filter(is_archived=False).select_related("theme"),
        error_messages={"required": "Choisissez le sujet du besoin."},
    )
    description = forms.CharField(
        label="Description transmise aux experts",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Décrivez le besoin : c’est ce que liront les experts."},
    )
    experts = forms.ModelMultipleChoiceField(
        label="Experts à notifier",
        queryset=active_experts(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    routed_for = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NeedForm(RoutedNeedForm):
    """One need of the solicitation; `added` carries the experts support added by hand (outside the routing) from
    one round trip to the next."""

    added = forms.ModelMultipleChoiceField(
        queryset=active_experts(),
        to_field_name="public_id",
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    expert_query = forms.CharField(
        label="Ajouter un expert",
        required=False,
        max_length=100,
        help_text="Nom de l’équipe, de l’antenne ou de l’institution.",
    )


NeedFormSet = forms.formset_factory(
    NeedForm, extra=0, min_num=1, validate_min=True, max_num=MAX_NEEDS, validate_max=True
)


class CancelForm(DsfrBaseForm):
    template = forms.ModelChoiceField(
        label="Motif d’abandon",
        queryset=CancellationTemplate.objects.all(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choisissez un motif d’abandon."},
    )
