import datetime

from django import forms
from dsfr.forms import DsfrBaseForm

from relais.territories.models import Region

from ..enums import SolicitationSource
from ..models import Antenne, Institution, Subject
from ..services.statistics import StatsScope, last_months_scope

# A browser date field sends ISO dates; the French form is accepted for people who type it by hand.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MAX_PERIOD = datetime.timedelta(days=5 * 366)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide, par exemple 31/01/2025."},
    )


class StatsFilterForm(DsfrBaseForm):
    """The dashboard's filters; an antenne manager only chooses among their own antennes and institutions."""

    region = forms.ModelChoiceField(
        label="Région", queryset=Region.objects.all(), to_field_name="insee_code", required=False, empty_label="Toutes"
    )
    institution = forms.ModelChoiceField(
        label="Institution",
        queryset=Institution.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Toutes",
    )
    antenne = forms.ModelChoiceField(
        label="Antenne",
        queryset=Antenne.objects.select_related("institution"),
        to_field_name="public_id",
        required=False,
        empty_label="Toutes",
    )
    subject = forms.ModelChoiceField(
        label="Sujet",
        queryset=Subject.objects.order_by("label"),
        to_field_name="slug",
        required=False,
        empty_label="Tous",
    )
    source = forms.ChoiceField(
        label="Origine des demandes",
        choices=[("", "Toutes"), *SolicitationSource.choices],
        required=False,
        help_text="Site, iframe d’un partenaire, API ou campagne.",
    )
    start = _date_field("Du")
    end = _date_field("Au (inclus)")

    def __init__(self, *args, antenne_ids: tuple[int, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.antenne_ids = antenne_ids
        if antenne_ids is not None:
            self.fields["antenne"].queryset = self.fields["antenne"].queryset.filter(pk__in=antenne_ids)
            self.fields["institution"].queryset = Institution.objects.filter(antennes__pk__in=antenne_ids).distinct()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        default = last_months_scope()
        start, end = cleaned.get("start") or default.start, cleaned.get("end") or default.end
        if start > end:
            self.add_error("end", "La date de fin doit suivre la date de début.")
        elif end - start > MAX_PERIOD:
            self.add_error("start", "La période ne peut pas dépasser cinq ans.")
        return cleaned

    def scope(self) -> StatsScope:
        """The scope of a valid or unbound form; the last twelve months when no date is given."""
        default = last_months_scope()
        data = self.cleaned_data if self.is_bound else {}
        region = data.get("region")
        return StatsScope(
            start=data.get("start") or default.start,
            end=data.get("end") or default.end,
            region_code=region.insee_code if region else None,
            subject=data.get("subject"),
            institution=data.get("institution"),
            antenne=data.get("antenne"),
            antenne_ids=self.antenne_ids,
            source=data.get("source") or None,
        )
