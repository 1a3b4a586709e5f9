from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin

from . import services
from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "recipients",
        "template",
        "status",
        "attempts",
        "short_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to", "public_id"]
    date_hierarchy = "created_at"
    actions = ["requeue"]
    fields = [
        "public_id",
        "status",
        "to",
        "cc",
        "reply_to",
        "subject",
        "template",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "created_at",
        "sent_at",
        "preview",
        "text_body",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="destinataires")
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.display(description="dernière erreur")
    def short_error(self, email):
        return email.last_error[:80]

    @admin.display(description="aperçu HTML")
    def preview(self, email):
        url = reverse("admin:notifications_email_preview", args=[email.pk])
        return format_html(
            '<iframe src="{}" title="Aperçu du courriel" sandbox="" width="680" height="600"></iframe>', url
        )

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.change_email")

    @admin.action(description="Renvoyer maintenant", permissions=["resend"])
    def requeue(self, request, queryset):
        count = services.requeue_emails(email_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} courriel(s) remis en file d'envoi.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/apercu/",
                self.admin_site.admin_view(self.preview_view),
                name="notifications_email_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        email = self.get_object(request, str(object_id))
        if email is None or not self.has_view_permission(request, email):
            raise Http404
        return _email_document(email.html_body)


# The email's inline styles need 'unsafe-inline', which the site policy forbids; this response is only ever
# the stored HTML, without scripts (sandbox), framed by the admin page alone.
@xframe_options_sameorigin
@csp_replace(
    {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "https:"],
        "frame-ancestors": [SELF],
        "sandbox": True,
    }
)
def _email_document(html: str) -> HttpResponse:
    return HttpResponse(html)
