"""The Django admin of France Num: read mostly; status changes go through the reviewers' pages (logged)."""

from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin, TabularInline

from .models import (
    Activator,
    ActivatorEvent,
    ActivatorMember,
    ContactRequest,
    Offer,
    RegionalReviewer,
    SurveyCampaign,
    ThreadMessage,
)


class MemberInline(TabularInline):
    model = ActivatorMember
    extra = 0
    fields = ["user", "role", "status"]
    raw_id_fields = ["user"]


class OfferInline(TabularInline):
    model = Offer
    extra = 0


@admin.register(Activator)
class ActivatorAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "kind", "category", "region", "engagement_ends_at"]
    list_filter = ["status", "kind", "category", "region"]
    search_fields = ["name", "siret", "slug"]
    readonly_fields = [
        "status",
        "slug",
        "submitted_at",
        "validated_at",
        "engaged_at",
        "engagement_ends_at",
        "company_check",
        "legal_check",
        "legal_check_details",
        "info_requested_at",
    ]
    raw_id_fields = ["commune", "department", "region"]
    filter_horizontal = ["served_regions", "served_departments"]
    autocomplete_fields = []
    exclude = ["served_communes"]
    inlines = [MemberInline, OfferInline]


@admin.register(ActivatorEvent)
class ActivatorEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "activator", "kind", "from_status", "to_status", "actor_label"]
    list_filter = ["kind"]
    search_fields = ["activator__name"]


@admin.register(ContactRequest)
class ContactRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "activator", "status", "due_at", "acknowledged_at", "breached_at"]
    list_filter = ["status"]
    search_fields = ["activator__name"]


@admin.register(ThreadMessage)
class ThreadMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "activator", "from_administration", "is_information_request"]


@admin.register(RegionalReviewer)
class RegionalReviewerAdmin(admin.ModelAdmin):
    list_display = ["user", "region"]
    raw_id_fields = ["user"]
    list_filter = ["region"]


@admin.register(SurveyCampaign)
class SurveyCampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "opens_on", "closes_on", "invited_count"]
