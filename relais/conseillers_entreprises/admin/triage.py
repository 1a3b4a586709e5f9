from django.contrib import admin

from ..models import CancellationTemplate, Diagnosis, Match, Need, Solicitation, SolicitationEvent


class SolicitationEventInline(admin.TabularInline):
    model = SolicitationEvent
    fields = ["created_at", "action", "author", "details"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # The history is written by the workflows only: an edited log would prove nothing.
        return False


@admin.register(Solicitation)
class SolicitationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "subject", "status", "source", "siret", "submitted_at"]
    list_filter = ["status", "source", "subject__theme"]
    search_fields = ["first_name", "last_name", "email", "siret", "description", "public_id"]
    date_hierarchy = "submitted_at"
    list_select_related = ["subject"]
    raw_id_fields = ["establishment"]
    # Status changes go through the support screens, which log them and notify the company or the experts.
    readonly_fields = ["public_id", "status", "submitted_at", "processed_at", "canceled_at", "cancellation"]
    inlines = [SolicitationEventInline]


class NeedInline(admin.TabularInline):
    model = Need
    fields = ["subject", "status", "content"]
    extra = 0
    show_change_link = True


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = ["__str__", "establishment", "advisor", "completed_at"]
    search_fields = ["public_id", "establishment__siret", "establishment__company__name"]
    list_select_related = ["establishment__company", "advisor"]
    raw_id_fields = ["solicitation", "establishment", "advisor"]
    readonly_fields = ["public_id"]
    inlines = [NeedInline]


class MatchInline(admin.TabularInline):
    model = Match
    fields = ["expert", "subject", "status", "sent_at", "taken_care_of_at", "closed_at"]
    raw_id_fields = ["expert"]
    extra = 0


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "diagnosis", "status", "created_at"]
    list_filter = ["status", "subject__theme"]
    search_fields = ["public_id", "content", "diagnosis__establishment__company__name"]
    list_select_related = ["subject", "diagnosis"]
    raw_id_fields = ["diagnosis"]
    readonly_fields = ["public_id"]
    inlines = [MatchInline]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "need", "status", "sent_at"]
    list_filter = ["status"]
    search_fields = ["public_id", "expert__name", "expert__antenne__name"]
    list_select_related = ["expert__antenne", "need__subject"]
    raw_id_fields = ["need", "expert"]
    readonly_fields = ["public_id"]


@admin.register(CancellationTemplate)
class CancellationTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "email_subject", "position"]
    list_editable = ["position"]
    search_fields = ["title", "slug", "email_body"]
