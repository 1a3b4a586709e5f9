from django.contrib import admin
from django.db import models

from .matching import sync_candidate
from .models import ActivityPlace, Agent, Candidate, HostStructure, RecruitmentMatch, StructureDecision
from .tasks import candidate_changed


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "department")
    list_filter = ("kind",)
    autocomplete_fields = ("user",)
    search_fields = ("user__email",)


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "email", "commune", "status", "max_distance_km", "available_from")
    list_filter = ("status", "territory")
    search_fields = ("email", "last_name")
    raw_id_fields = ("user", "commune")
    exclude = ("cv",)

    def save_model(self, request, obj, form, change):
        """A status or an availability date edited here reaches the pairs as a service's change does."""
        super().save_model(request, obj, form, change)
        sync_candidate(obj)
        candidate_changed(obj.pk)


@admin.register(HostStructure)
class HostStructureAdmin(admin.ModelAdmin):
    list_display = ("name", "siret", "commune", "status", "posts_wanted", "posts_granted")
    list_filter = ("status", "kind", "territory")
    search_fields = ("name", "siret")
    raw_id_fields = ("organization", "commune")
    readonly_fields = ("status", "posts_granted")


@admin.register(RecruitmentMatch)
class RecruitmentMatchAdmin(admin.ModelAdmin):
    list_display = ("candidate", "structure", "status", "updated_at")
    list_filter = ("status",)
    raw_id_fields = ("candidate", "structure")
    readonly_fields = ("status",)


@admin.register(StructureDecision)
class StructureDecisionAdmin(admin.ModelAdmin):
    list_display = ("structure", "from_status", "to_status", "author", "created_at")
    raw_id_fields = ("structure", "author")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActivityPlace)
class ActivityPlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "advisor", "commune", "access")
    raw_id_fields = ("advisor", "commune")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
