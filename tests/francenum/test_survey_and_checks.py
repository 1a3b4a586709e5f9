"""The annual survey (signed links, one answer, results and CSV) and the website check client."""

from datetime import timedelta

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from relais.francenum.enums import LegalCheck
from relais.francenum.models import SurveyCampaign, SurveyResponse
from relais.francenum.services import survey
from relais.francenum.website_check import HttpBackend, OfflineBackend, analyse
from tests.francenum import factories
from tests.francenum.conftest import sent

pytestmark = pytest.mark.django_db
ANSWER = {"satisfaction": "4", "companies_helped": "12", "contacts_useful": "1", "comment": "Très utile"}


def test_a_campaign_sends_one_link_per_member_who_answers_once(client, structure, reviewer):
    factories.with_member(structure, email="associe@agence-lyon.fr")
    client.force_login(reviewer)
    today = timezone.localdate()
    client.post(
        reverse("activateurs:surveys"),
        {"title": "Questionnaire 2026", "opens_on": today, "closes_on": today + timedelta(days=30)},
    )
    campaign = SurveyCampaign.objects.get()
    assert campaign.invited_count == 2
    assert sorted(to for to, subject in sent() if subject == "France Num : questionnaire annuel des activateurs") == [
        ["associe@agence-lyon.fr"],
        ["referent@agence-lyon.fr"],
    ]
    client.logout()
    token = survey.survey_token(campaign=campaign, member=structure.members.get(user__email="referent@agence-lyon.fr"))
    url = reverse("activateurs:survey", args=[token])
    client.post(url, ANSWER)
    client.post(url, {**ANSWER, "satisfaction": "1"})
    assert list(SurveyResponse.objects.values_list("satisfaction", flat=True)) == [4]
    assert client.get(url[:-3] + "xx/").status_code == 404
    client.force_login(reviewer)
    text = client.get(reverse("activateurs:survey_results", args=[campaign.public_id])).content.decode()
    assert "1 réponse sur 2 adhérents sollicités (50 %)" in text
    csv_text = b"".join(client.get(reverse("activateurs:survey_csv", args=[campaign.public_id])).streaming_content)
    assert "Très utile" in csv_text.decode("utf-8-sig")


def test_a_regional_reviewer_cannot_open_a_campaign(client, structure):
    regional = factories.regional_reviewer(structure.region)
    client.force_login(regional)
    today = timezone.localdate()
    response = client.post(reverse("activateurs:surveys"), {"title": "X", "opens_on": today, "closes_on": today})
    assert response.status_code == 404 and not SurveyCampaign.objects.exists()


def test_website_check_reads_the_links_of_the_home_page():
    page = '<a href="/mentions-legales">Mentions légales</a> <a href="/rgpd">Vos données</a>'
    assert analyse(page).result == LegalCheck.OK
    assert (
        analyse('<a href="/contact">Contact</a><a href="/mentions">Mentions légales</a>').result == LegalCheck.PARTIAL
    )
    assert analyse("<p>Rien</p>").result == LegalCheck.MISSING


def test_website_check_http_backend_with_timeouts_and_retry():
    calls = []

    def handler(request):
        calls.append(request.url)
        if len(calls) == 1:
            raise httpx.ConnectTimeout("lent")
        return httpx.Response(200, text='<a href="/politique-de-confidentialite">Confidentialité</a>')

    found = HttpBackend(transport=httpx.MockTransport(handler)).check("https://agence.example")
    assert found.result == LegalCheck.PARTIAL and found.personal_data and not found.legal_notice
    assert len(calls) == 2
    down = HttpBackend(transport=httpx.MockTransport(lambda request: httpx.Response(503)))
    assert down.check("https://panne.example").result == LegalCheck.UNREACHABLE


def test_offline_backend_leaves_the_check_to_the_reviewer():
    assert OfflineBackend().check("https://agence.example").result == LegalCheck.UNCHECKED
