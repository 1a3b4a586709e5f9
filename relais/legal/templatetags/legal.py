from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..models import TermsVersion
from ..scopes import PORTAL_SCOPE, scope_choices
from ..services import current_terms

register = template.Library()


@register.filter
def terms_html(body: str, top_level: int = 2):
    """Render a terms body (plain text, one paragraph per line, "## " / "### " titles, "- " list items).

    Everything is escaped: a body is text, never markup, so nothing typed in the admin can inject HTML.
    `top_level` is the heading level of "## " in the page that shows the body.
    """
    blocks, items = [], []

    def close_list():
        if items:
            blocks.append(format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in items))))
            items.clear()

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("- "):
            items.append(line[2:])
            continue
        close_list()
        if line.startswith("### "):
            blocks.append(format_html('<h{0} class="fr-h6">{1}</h{0}>', min(int(top_level) + 1, 6), line[4:]))
        elif line.startswith("## "):
            blocks.append(format_html('<h{0} class="fr-h5">{1}</h{0}>', min(int(top_level), 6), line[3:]))
        else:
            blocks.append(format_html("<p>{}</p>", line))
    close_list()
    return mark_safe("\n".join(blocks))  # noqa: S308 — every block was built by format_html


@register.simple_tag
def portal_terms() -> TermsVersion | None:
    return current_terms(PORTAL_SCOPE)


@register.simple_tag
def service_terms() -> list[TermsVersion]:
    """The version in force of every service that has terms, in the order of the catalogue."""
    return [
        version
        for scope, _name in scope_choices()
        if scope != PORTAL_SCOPE and (version := current_terms(scope)) is not None
    ]
