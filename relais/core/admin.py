from django.contrib import admin

from .models import SiteStatus


@admin.register(SiteStatus)
class SiteStatusAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]
    fields = ["maintenance_enabled", "maintenance_message"]

    def has_add_permission(self, request):
        return not SiteStatus.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
