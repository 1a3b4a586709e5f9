from django.contrib import admin

from relais.core.admin import TabularInline

from .models import Company, Establishment, normalize_search_text


class NormalizedSearchMixin:
    """Admin search compares with `search_name`, so the term is normalized the same way (accents, case)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize_search_text(search_term))


class EstablishmentInline(TabularInline):
    model = Establishment
    fields = ["siret", "name", "address", "postal_code", "commune_name", "is_head_office", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "siren", "legal_form_code", "naf_code", "staff_size_code", "is_active", "source"]
    list_filter = ["is_active", "source", "legal_form_code"]
    search_fields = ["siren", "search_name"]
    readonly_fields = ["fetched_at"]
    inlines = [EstablishmentInline]


@admin.register(Establishment)
class EstablishmentAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ["siret", "company", "name", "postal_code", "commune_name", "is_head_office", "is_active"]
    list_filter = ["is_head_office", "is_active"]
    list_select_related = ["company"]
    search_fields = ["siret", "search_name"]
    raw_id_fields = ["company", "commune"]
