"""The "Besoins reçus" inbox of an agent: the matches of their teams, sorted into tabs."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ..forms.managers import MatchSearchForm
from ..models import Match
from ..services.inbox import TABS, count_tabs, rows, tab_from, tab_ids
from .navigation import tabs

PAGE_SIZE = 20


def matches_page(request, matches) -> dict:
    """Tabs with their counts, the search form and the current page of a tab; shared with the antenne page."""
    now = timezone.now()
    form = MatchSearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    matches = matches.search(text)
    tab = tab_from(request.GET.get("onglet"))
    counts = count_tabs(matches, now=now)
    paginator = Paginator(tab_ids(matches, tab=tab, now=now), PAGE_SIZE)
    # The tab counts already know the length: no second count query.
    paginator.count = counts[tab.slug]
    page_obj = paginator.get_page(request.GET.get("page"))
    page_obj.object_list = rows(list(page_obj.object_list))
    return {
        "form": form,
        "search_text": text,
        "tabs": tabs(request, [(each.slug, each.label, counts[each.slug]) for each in TABS], current=tab.slug),
        "current_tab": tab,
        "page_obj": page_obj,
    }


def inbox(request):
    teams = list(request.user.experts.select_related("antenne__institution").order_by("name"))
    context = {"teams": teams}
    if teams:
        context |= matches_page(request, Match.objects.sent_to([team.pk for team in teams]))
    return render(request, "conseillers_entreprises/inbox/inbox.html", context)
