"""The copy of a person's data, in the three forms every export of privacy takes: a page of the site, a readable
HTML document to keep, and JSON for another application (portability)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from ..registry import DataSubject
from ..services.personal_data import as_json, collect

FORMATS = ("page", "html", "json")


def export_response(request, *, subject: DataSubject, fmt: str, page_context: dict) -> HttpResponse:
    sections = collect(subject)
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    if fmt == "json":
        response = HttpResponse(as_json(subject, sections), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="mes-donnees-relais-{stamp}.json"'
        return response
    context = {"subject": subject, "sections": sections, "generated_at": timezone.now(), **page_context}
    if fmt == "html":
        document = render_to_string("privacy/export_document.html", context, request=request)
        response = HttpResponse(document, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="mes-donnees-relais-{stamp}.html"'
        return response
    return render(request, "privacy/export_page.html", context)
