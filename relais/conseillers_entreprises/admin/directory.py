import re

from django import forms
from django.contrib import admin

from relais.core.admin import TabularInline

from ..enums import InstitutionCategory
from ..models import (
    Absence,
    Antenne,
    Expert,
    ExpertSubject,
    Institution,
    InstitutionSubject,
    MatchFilter,
    SubjectAnswerFilter,
    TerritorialZone,
)


class CodeListField(forms.CharField):
    """A list of codes typed as "62, 63.1, 10.71C" in a JSON list field (NAF codes, legal forms, communes)."""

    def __init__(self, *, encoder=None, decoder=None, **kwargs):
        # JSONField.formfield() passes its (de)serializers; a plain list of strings needs neither.
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [code for code in re.split(r"[\s,;]+", value or "") if code]


class InstitutionForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label="Catégories", choices=InstitutionCategory.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Institution
        fields = ["name", "slug", "siren", "categories", "is_active"]


CODE_LIST_FIELDS = (
    "accepted_naf_codes",
    "excluded_naf_codes",
    "accepted_legal_forms",
    "excluded_legal_forms",
    "excluded_communes",
)


class MatchFilterForm(forms.ModelForm):
    class Meta:
        model = MatchFilter
        fields = [
            "institution",
            "antenne",
            "expert",
            "subjects",
            "min_years_of_existence",
            "max_years_of_existence",
            "min_staff",
            "max_staff",
            *CODE_LIST_FIELDS,
        ]
        field_classes = dict.fromkeys(CODE_LIST_FIELDS, CodeListField)
        help_texts = {
            "accepted_naf_codes": "Préfixes séparés par des virgules, par exemple « 62, 10.71 ».",
            "excluded_communes": "Codes INSEE séparés par des virgules.",
        }


class MatchFilterInline(admin.StackedInline):
    model = MatchFilter
    form = MatchFilterForm
    filter_horizontal = ["subjects"]
    extra = 0


class InstitutionMatchFilterInline(MatchFilterInline):
    fk_name = "institution"
    exclude = ["antenne", "expert"]


class AntenneMatchFilterInline(MatchFilterInline):
    fk_name = "antenne"
    exclude = ["institution", "expert"]


class ExpertMatchFilterInline(MatchFilterInline):
    fk_name = "expert"
    exclude = ["institution", "antenne"]


class SubjectAnswerFilterInline(TabularInline):
    """The institution receives a subject's needs only when the company answered its question this way."""

    model = SubjectAnswerFilter
    extra = 0


class ZoneInline(TabularInline):
    """Zones are saved one by one here, so the signal keeps `Expert.has_own_zones` in step."""

    model = TerritorialZone
    fields = ["zone_type", "code"]
    extra = 0


class AntenneZoneInline(ZoneInline):
    fk_name = "antenne"


class ExpertZoneInline(ZoneInline):
    fk_name = "expert"
    verbose_name_plural = "zones propres (remplacent celles de l’antenne)"


class AntenneInline(TabularInline):
    model = Antenne
    fields = ["name", "territorial_level", "is_active"]
    show_change_link = True
    extra = 0


class InstitutionSubjectInline(TabularInline):
    model = InstitutionSubject
    fields = ["subject", "description"]
    extra = 0


class ExpertSubjectInline(TabularInline):
    model = ExpertSubject
    fields = ["institution_subject", "intervention_criteria"]
    autocomplete_fields = ["institution_subject"]
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    form = InstitutionForm
    list_display = ["name", "siren", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "siren"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AntenneInline, InstitutionSubjectInline, InstitutionMatchFilterInline, SubjectAnswerFilterInline]


@admin.register(Antenne)
class AntenneAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "territorial_level", "is_active"]
    list_filter = ["territorial_level", "is_active", "institution"]
    list_select_related = ["institution"]
    search_fields = ["name", "institution__name"]
    autocomplete_fields = ["institution", "managers"]
    inlines = [AntenneZoneInline, AntenneMatchFilterInline]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "antenne", "institution", "email", "has_own_zones", "is_active"]
    list_filter = ["is_active", "has_own_zones", "antenne__territorial_level", "antenne__institution"]
    list_select_related = ["antenne__institution"]
    search_fields = ["name", "email", "antenne__name", "antenne__institution__name", "users__email"]
    autocomplete_fields = ["antenne", "users"]
    readonly_fields = ["public_id", "has_own_zones"]
    inlines = [ExpertZoneInline, ExpertSubjectInline, ExpertMatchFilterInline]

    @admin.display(description="institution", ordering="antenne__institution__name")
    def institution(self, expert):
        return expert.antenne.institution


@admin.register(InstitutionSubject)
class InstitutionSubjectAdmin(admin.ModelAdmin):
    list_display = ["institution", "subject"]
    list_filter = ["subject__theme", "institution"]
    list_select_related = ["institution", "subject"]
    search_fields = ["institution__name", "subject__label", "subject__slug"]
    autocomplete_fields = ["institution"]


@admin.register(MatchFilter)
class MatchFilterAdmin(admin.ModelAdmin):
    form = MatchFilterForm
    list_display = ["__str__", "min_years_of_existence", "min_staff", "max_staff"]
    list_select_related = ["institution", "antenne__institution", "expert__antenne"]
    search_fields = ["institution__name", "antenne__name", "expert__name"]
    autocomplete_fields = ["institution", "antenne", "expert"]
    filter_horizontal = ["subjects"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_on", "ends_on", "created_by"]
    list_select_related = ["user", "created_by"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["user"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
