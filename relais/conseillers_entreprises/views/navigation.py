"""Tabs of the lists (core/components/tabs.html), each a link that keeps the page's other filters."""

from relais.core.navigation import Tab


def tab_url(request, slug: str, *, parameter: str = "onglet") -> str:
    """The current URL with this tab chosen and the paging reset: a tab shows its first page."""
    query = request.GET.copy()
    query[parameter] = slug
    query.pop("page", None)
    return "?" + query.urlencode()


def tabs(request, items, *, current: str) -> list[Tab]:
    """`items` are (slug, label, count): the tabs, the current one marked."""
    return [
        Tab(label=label, url=tab_url(request, slug), active=slug == current, count=count)
        for slug, label, count in items
    ]
