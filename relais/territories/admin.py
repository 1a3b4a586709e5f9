from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin, TabularInline

from .models import Commune, Department, Epci, PostalCode, ReferentialImport, Region
from .names import normalize_query

# Read-only: the referential is rewritten by `import_territories`, an edit made here would be silently lost.


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["insee_code", "name"]
    search_fields = ["insee_code", "name"]
    ordering = ["insee_code"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["insee_code", "name", "region"]
    list_select_related = ["region"]
    list_filter = ["region"]
    search_fields = ["insee_code", "name"]


@admin.register(Epci)
class EpciAdmin(ReadOnlyAdmin):
    list_display = ["siren", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["siren", "name"]


class PostalCodeInline(TabularInline):
    model = PostalCode
    fields = ["code"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["insee_code", "name", "kind", "department", "epci", "population", "latitude", "longitude"]
    list_select_related = ["department", "epci"]
    list_filter = ["kind", "centre_source", "region"]
    search_fields = ["insee_code", "=postal_code_links__code"]
    show_full_result_count = False
    inlines = [PostalCodeInline]

    def get_search_results(self, request, queryset, search_term):
        """Names are searched on the normalized name, so that "saint etienne" finds Saint-Étienne."""
        matches, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            matches |= queryset.filter(search_name__startswith=normalize_query(search_term))
        return matches, may_have_duplicates


@admin.register(PostalCode)
class PostalCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "commune"]
    list_select_related = ["commune"]
    search_fields = ["=code"]


@admin.register(ReferentialImport)
class ReferentialImportAdmin(ReadOnlyAdmin):
    list_display = ["source", "imported_at", "summary", "checksum"]
