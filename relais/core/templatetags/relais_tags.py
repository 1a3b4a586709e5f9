from django import template
from django.utils.formats import date_format
from django.utils.html import format_html

from relais.core.phones import format_phone

register = template.Library()


@register.filter
def phone(value):
    """A stored (E.164) phone number as a `tel:` link reading "06 12 34 56 78"; nothing for an empty value."""
    if not value:
        return ""
    return format_html('<a href="tel:{}">{}</a>', value, format_phone(value))


@register.filter
def phone_text(value):
    """The French spelling of a stored phone number, for plain-text emails: "06 12 34 56 78"."""
    return format_phone(value) if value else ""


@register.filter(expects_localtime=True)
def long_date(value):
    """A date written out in French, "1er janvier 2024" (the first of a month is an ordinal), "2 janvier 2024";
    nothing for an empty value."""
    if not value:
        return ""
    text = date_format(value, "j F Y")
    return f"1er{text[1:]}" if value.day == 1 else text


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL's query string with `page` set to `number`: filters and search survive paging."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def error_count(context):
    """How many errors the summary lists: the context's `form`, and its `formset` with the formset's forms."""
    form, formset = context.get("form"), context.get("formset")
    count = 0
    if form:
        count += sum(len(errors) for errors in form.errors.values())
    if formset:
        count += formset.total_error_count()
    return count
