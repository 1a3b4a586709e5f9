from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin

from ..models import AccountRequest, AdvisorInvitation

# Read-only: invitations carry a hashed token and account requests a decision; both change through the support
# screens (/support/invitations/, /support/demandes-de-compte/), which send the emails that go with them.


@admin.register(AdvisorInvitation)
class AdvisorInvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "invited_by", "sent_at", "expires_at", "accepted_at"]
    list_select_related = ["invited_by"]
    search_fields = ["email", "last_name"]
    exclude = ["token_hash"]


@admin.register(AccountRequest)
class AccountRequestAdmin(ReadOnlyAdmin):
    list_display = ["email", "last_name", "institution", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["decided_by"]
    search_fields = ["email", "last_name", "institution"]
