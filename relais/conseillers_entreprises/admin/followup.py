from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin

from ..models import CompanyEmailSent, ExpertDigest, ExportJob, ReminderAction, SatisfactionAnswer

# Read-only: these rows record what the follow-up already did, so that nothing is sent or counted twice.


@admin.register(ReminderAction)
class ReminderActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "need", "basket", "action", "author"]
    list_filter = ["basket", "action"]
    list_select_related = ["need__subject", "author"]


@admin.register(CompanyEmailSent)
class CompanyEmailSentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "need", "kind", "recipient"]
    list_filter = ["kind"]
    list_select_related = ["need__subject"]


@admin.register(ExpertDigest)
class ExpertDigestAdmin(ReadOnlyAdmin):
    list_display = ["week", "expert", "needs_count"]
    list_select_related = ["expert__antenne"]


@admin.register(SatisfactionAnswer)
class SatisfactionAnswerAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "need", "called_back", "useful", "shared_with_experts"]
    list_filter = ["called_back", "useful", "shared_with_experts"]
    list_select_related = ["need__subject"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "name", "extension", "requested_by", "status", "rows_total", "expires_at"]
    list_filter = ["status", "name"]
    list_select_related = ["requested_by"]
