"""Admin of the public side: landings, taxonomy (themes, subjects and their questions), spam list, newsletter.

Solicitations themselves are registered by the triage admin.
"""

from django import forms
from django.contrib import admin

from relais.core.admin import TabularInline

from ..enums import LandingIntegration
from ..models import BlockedEmail, Landing, NewsletterSubscription, Subject, SubjectQuestion, Theme

# Imported for its signal receivers: an edit made here must reach the off-theme classifier's index.
from ..services import classifier  # noqa: F401


class LandingAdminForm(forms.ModelForm):
    partner_url = forms.URLField(label="Site du partenaire", required=False, assume_scheme="https")

    class Meta:
        model = Landing
        fields = "__all__"  # noqa: DJ007 (every field of a landing is support's to set)

    def clean(self):
        cleaned = super().clean()
        mode, themes, subjects = cleaned.get("integration"), cleaned.get("themes"), cleaned.get("subjects")
        if mode == LandingIntegration.THEME and (themes is None or themes.count() != 1):
            self.add_error("themes", "Le mode « un thème » demande un thème proposé, et un seul.")
        if mode == LandingIntegration.SUBJECTS and not subjects:
            self.add_error("subjects", "Le mode « liste de sujets » demande au moins un sujet proposé.")
        if mode == LandingIntegration.FORM and (subjects is None or subjects.count() != 1):
            self.add_error("subjects", "Le mode « un formulaire » demande un sujet proposé, et un seul.")
        return cleaned


@admin.register(Landing)
class LandingAdmin(admin.ModelAdmin):
    form = LandingAdminForm
    list_display = [
        "title",
        "slug",
        "partner_name",
        "institution",
        "integration",
        "iframe_allowed",
        "is_paused",
        "is_active",
    ]
    list_filter = ["integration", "iframe_allowed", "is_paused", "is_active"]
    search_fields = ["title", "slug", "partner_name"]
    list_select_related = ["institution"]
    autocomplete_fields = ["institution"]
    filter_horizontal = ["themes", "subjects"]


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
