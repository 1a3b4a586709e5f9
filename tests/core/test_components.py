"""The shared template pieces of core/components: error summary, pagination, tabs, phone numbers."""

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from dsfr.forms import DsfrBaseForm

from relais.core.navigation import Tab
from relais.core.phones import PhoneField, format_phone
from relais.core.templatetags.relais_tags import long_date, phone


class SampleForm(DsfrBaseForm):
    name = forms.CharField(label="Nom")
    phone = PhoneField(label="Téléphone")

    def clean(self):
        raise forms.ValidationError("Les deux champs ne vont pas ensemble.")


def test_error_summary_links_every_field_error_and_lists_form_errors():
    form = SampleForm(data={"name": "", "phone": "12"})
    html = render_to_string("core/components/form_errors.html", {"form": form})
    assert "data-error-summary" in html
    assert "Le formulaire contient 3 erreurs" in html
    assert 'href="#id_name"' in html
    assert 'href="#id_phone"' in html
    assert "Saisissez un numéro de téléphone valide" in html
    assert "Les deux champs ne vont pas ensemble." in html


def test_error_summary_is_empty_for_a_valid_or_unbound_form():
    assert render_to_string("core/components/form_errors.html", {"form": SampleForm()}).strip() == ""


def test_error_summary_lists_a_formset_errors():
    formset = forms.formset_factory(SampleForm, extra=1)(
        data={"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-phone": "12"}
    )
    html = render_to_string("core/components/form_errors.html", {"formset": formset})
    assert 'href="#id_form-0-name"' in html


@pytest.mark.django_db
def test_page_title_is_prefixed_when_the_form_has_errors(client):
    response = client.post("/aide/contact/", {"name": ""})
    assert "<title>Erreur : " in response.content.decode()
    assert "<title>Erreur : " not in client.get("/aide/contact/").content.decode()


def test_pagination_keeps_the_filters_of_the_current_url():
    request = RequestFactory().get("/liste/", {"q": "café", "statut": "ouvert", "page": "2"})
    page = Paginator(list(range(100)), 10).get_page(2)
    html = render_to_string("core/components/pagination.html", {"page": page, "request": request})
    assert "q=caf%C3%A9&amp;statut=ouvert&amp;page=3" in html
    assert "page=1" in html
    assert 'aria-current="page"' in html


def test_tabs_mark_the_current_one():
    html = render_to_string(
        "core/components/tabs.html",
        {"tabs": [Tab("Nouveaux", "/a/", active=True, count=3), Tab("Clôturés", "/b/")], "label": "Besoins"},
    )
    assert 'href="/a/" aria-current="page">Nouveaux (3)' in html
    assert 'href="/b/">Clôturés</a>' in html


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("06 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("+33 1 23 45 67 89", "+33123456789", "01 23 45 67 89"),
        ("+262 692 12 34 56", "+262692123456", "06 92 12 34 56"),
        ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
    ],
)
def test_phone_field_stores_e164_and_shows_the_french_format(typed, stored, shown):
    form = SampleForm(data={"name": "x", "phone": typed})
    form.is_valid()
    assert form.cleaned_data["phone"] == stored
    assert format_phone(stored) == shown
    assert phone(stored) == f'<a href="tel:{stored}">{shown}</a>'


def test_phone_field_can_require_a_french_number():
    field = PhoneField(french_only=True)
    with pytest.raises(forms.ValidationError):
        field.clean("+44 20 7946 0958")
    assert field.clean("06 12 34 56 78") == "+33612345678"


def test_long_date_writes_the_first_of_a_month_as_an_ordinal():
    import datetime

    from django.template import Context, Template
    from django.utils import timezone

    assert long_date(datetime.date(2024, 1, 1)) == "1er janvier 2024"
    assert long_date(datetime.date(2024, 1, 2)) == "2 janvier 2024"
    assert long_date(datetime.date(2026, 12, 11)) == "11 décembre 2026"
    assert long_date(None) == ""
    # A moment is read in the local time, as Django's own `date` filter: 23:30 UTC on 31 December is the first of
    # January in Paris.
    moment = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    rendered = Template("{% load relais_tags %}{{ moment|long_date }}").render(Context({"moment": moment}))
    assert rendered == "1er janvier 2026"
    assert timezone.get_current_timezone_name() == "Europe/Paris"
