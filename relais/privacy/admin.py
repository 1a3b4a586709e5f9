from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin

from .models import AuditEntry, DataRightsRequest, IncidentReport, ProcessingObjection, RetentionRun
from .registry import registry


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """The history of `apply_retention --wet-run`; the list opens on the registry, each rule with its last run."""

    change_list_template = "admin/privacy/retentionrun/change_list.html"
    list_display = ["rule", "started_at", "finished_at", "due", "processed", "warned", "oldest", "batches"]
    list_filter = ["rule"]
    date_hierarchy = "started_at"

    def changelist_view(self, request, extra_context=None):
        latest = RetentionRun.objects.latest_per_rule()
        rules = [(rule, latest.get(rule.name)) for rule in registry.rules.values()]
        return super().changelist_view(request, extra_context={**(extra_context or {}), "rules": rules})


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor_label", "ip", "object_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_label", "object_id"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]


@admin.register(DataRightsRequest)
class DataRightsRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "right", "service", "email", "received_at", "due_at", "status"]
    list_filter = ["status", "right", "service"]
    search_fields = ["reference", "email", "name"]
    exclude = ["identity_proof"]


@admin.register(IncidentReport)
class IncidentReportAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "reported_at", "personal_data_breach", "status", "cnil_notified_at"]
    list_filter = ["status", "kind", "personal_data_breach"]


@admin.register(ProcessingObjection)
class ProcessingObjectionAdmin(admin.ModelAdmin):
    list_display = ["email", "purpose", "created_at"]
    list_filter = ["purpose"]
    search_fields = ["email"]
