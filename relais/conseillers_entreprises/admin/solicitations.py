"""Admin of the public side: landings, taxonomy (themes, subjects and their questions), spam list, newsletter.

Solicitations themselves are registered by the triage admin.
"""

from django.contrib import admin

from relais.core.admin import TabularInline

from ..models import BlockedEmail, Landing, NewsletterSubscription, Subject, SubjectQuestion, Theme

# Imported for its signal receivers: an edit made here must reach the off-theme classifier's index.
from ..services import classifier  # noqa: F401


@admin.register(Landing)
class LandingAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "partner_name", "iframe_allowed", "is_active"]
    list_filter = ["iframe_allowed", "is_active"]
    search_fields = ["title", "slug", "partner_name"]
    filter_horizontal = ["themes"]


class SubjectInline(TabularInline):
    model = Subject
    fields = ["label", "slug", "position", "is_archived"]
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "position", "is_archived"]
    list_filter = ["is_archived"]
    search_fields = ["label", "slug"]
    inlines = [SubjectInline]


class SubjectQuestionInline(TabularInline):
    model = SubjectQuestion
    fields = ["key", "label", "position"]
    extra = 0


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "theme", "position", "is_other_need", "is_archived"]
    list_filter = ["theme", "is_other_need", "is_archived"]
    list_select_related = ["theme"]
    search_fields = ["label", "slug", "description"]
    inlines = [SubjectQuestionInline]


@admin.register(BlockedEmail)
class BlockedEmailAdmin(admin.ModelAdmin):
    list_display = ["pattern", "reason", "created_at"]
    search_fields = ["pattern", "reason"]


@admin.register(NewsletterSubscription)
class NewsletterSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), ("unsubscribed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = ["public_id", "created_at", "confirmed_at", "unsubscribed_at"]
