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
