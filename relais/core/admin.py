from django.contrib import admin

from .models import JobRun, SiteStatus


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that only a workflow or an import may write: logs, audit trails, referentials."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TabularInline(admin.TabularInline):
    """Django's tabular inline names each column once, in its header: screen readers reaching an input of a row hear
    no label (axe-core: label, select-name). Each input here carries its column's name."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label))
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs["aria-label"] = "Supprimer cette ligne"

        return LabelledFormSet


@admin.register(SiteStatus)
class SiteStatusAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]
    fields = ["maintenance_enabled", "maintenance_message"]

    def has_add_permission(self, request):
        return not SiteStatus.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "slot", "host", "started_at", "finished_at", "succeeded"]
    list_filter = ["succeeded", "job"]
    date_hierarchy = "slot"
