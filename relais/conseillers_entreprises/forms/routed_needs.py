"""The needs of an analysis with the teams to notify: one form shared by support's triage and the advisors'
"Analyse" (views/routed_needs.py edits them)."""

from django import forms
from dsfr.forms import DsfrBaseForm

from ..models import Expert, Subject

MAX_NEEDS = 10
PREFIX = "besoins"


def active_experts():
    return Expert.objects.filter(is_active=True).select_related("antenne__institution")


class RoutedNeedForm(DsfrBaseForm):
    """A need and the expert teams to notify, checked from the routing.

    `routed_for` is the subject whose routing the checkboxes show, so that a change of subject re-checks the
    teams of the new routing. Support may also add teams outside the routing: `added` carries them from one round
    trip to the next, `expert_query` searches for them; an advisor only unchecks.
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

    def __init__(self, *args, support: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not support:
            del self.fields["added"]
            del self.fields["expert_query"]
            self.fields["description"].label = "Description du besoin"
            self.fields["description"].widget.attrs["rows"] = 4


RoutedNeedFormSet = forms.formset_factory(
    RoutedNeedForm, extra=0, min_num=1, validate_min=True, max_num=MAX_NEEDS, validate_max=True
)


def routed_need_formset(*, support: bool, data=None, initial=None) -> forms.BaseFormSet:
    return RoutedNeedFormSet(data, prefix=PREFIX, initial=initial, form_kwargs={"support": support})
