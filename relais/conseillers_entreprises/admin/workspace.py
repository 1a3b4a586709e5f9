from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin

from ..models import MatchStatusChange, NeedComment

# Written by the positioning and thread workflows only: an edited log or message would prove nothing.


@admin.register(MatchStatusChange)
class MatchStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "match", "from_status", "to_status", "author"]
    list_filter = ["to_status"]
    list_select_related = ["match__expert", "author"]
    search_fields = ["match__need__public_id", "match__expert__name", "author__email"]
    date_hierarchy = "created_at"


@admin.register(NeedComment)
class NeedCommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "need", "author", "addressed_to_support"]
    list_filter = ["addressed_to_support"]
    list_select_related = ["need__subject", "author"]
    search_fields = ["need__public_id", "author__email", "body"]
    date_hierarchy = "created_at"
