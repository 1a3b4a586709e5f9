import datetime

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from relais.accounts.models import User

# A browser date field sends ISO dates; the French form is accepted for people who type it by hand.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_ABSENCE = datetime.timedelta(days=366)


class MatchSearchForm(DsfrBaseForm):
    """The search of the inbox and of an antenne's needs."""

    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Entreprise, SIRET, nom du contact ou sujet du besoin.",
    )


def _date_field(label: str, required_message: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": required_message, "invalid": "Saisissez une date valide, par exemple 31/01/2026."},
    )


class AbsenceForm(DsfrBaseForm):
    """An absence of one agent of the antenne; the agents offered are the antenne's only."""

    agent = forms.ModelChoiceField(
        label="Agent",
        queryset=User.objects.none(),
        to_field_name="public_id",
        empty_label="Choisissez un agent",
        error_messages={
            "required": "Choisissez l’agent absent.",
            "invalid_choice": "Cet agent ne fait pas partie des équipes de l’antenne.",
        },
    )
    starts_on = _date_field("Du", "Indiquez le premier jour d’absence.")
    ends_on = _date_field("Au (inclus)", "Indiquez le dernier jour d’absence.")

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents
        self.fields["agent"].label_from_instance = lambda user: user.get_full_name() or user.email

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on:
            if ends_on < starts_on:
                self.add_error("ends_on", "La date de fin doit être le jour du début ou après.")
            elif ends_on < timezone.localdate():
                self.add_error("ends_on", "Cette absence est déjà passée : indiquez une date de fin à venir.")
            elif ends_on - starts_on > MAX_ABSENCE:
                self.add_error("ends_on", "Une absence dure un an au plus : vérifiez les dates.")
        return cleaned
