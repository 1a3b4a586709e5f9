"""« Mes données personnelles »: a signed-in person sees, downloads, corrects, limits and erases their data."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from relais.conseillers_entreprises.enums import MatchStatus, NeedStatus
from relais.conseillers_entreprises.models import NewsletterSubscription
from relais.conseillers_entreprises.services.positioning import close, take_charge
from relais.conseillers_entreprises.services.satisfaction import send_satisfaction_emails
from relais.privacy.enums import AuditAction
from relais.privacy.models import AuditEntry, ProcessingObjection
from tests.accounts.factories import UserFactory
from tests.conseillers_entreprises.factories import (
    DiagnosisFactory,
    ExpertFactory,
    MatchFactory,
    NeedFactory,
    SolicitationFactory,
)

pytestmark = pytest.mark.django_db

EMAIL = "louise.morel@exemple.fr"


@pytest.fixture
def person(client):
    user = UserFactory(email=EMAIL, first_name="Louise", last_name="Morel", phone="+33611000022")
    SolicitationFactory(email=EMAIL, description="Trouver un repreneur pour ma menuiserie.")
    NewsletterSubscription.objects.create(email=EMAIL, confirmed_at=timezone.now())
    client.force_login(user)
    return user


def test_the_page_lists_the_data_the_rights_and_the_erasure(client, person):
    content = client.get("/donnees-personnelles/mes-donnees/").content.decode()
    assert "Votre compte" in content and "Vos demandes d’accompagnement" in content
    assert 'href="/compte/"' in content, "rectification of the account in Mon compte"
    assert "?droit=rectification&amp;service=conseillers-entreprises" in content
    assert "Lettre d’information de Conseillers-Entreprises" in content
    assert "Enquêtes de satisfaction" in content
    assert "Anonymisé" in content and "Conservé" in content and "Supprimé" in content
    assert 'href="/compte/supprimer/"' in content


def test_the_copy_as_page_html_and_json_is_traced(client, person):
    page = client.get("/donnees-personnelles/mes-donnees/copie/page/").content.decode()
    assert "Trouver un repreneur pour ma menuiserie." in page and "Louise" in page
    document = client.get("/donnees-personnelles/mes-donnees/copie/html/")
    assert document["Content-Disposition"].startswith('attachment; filename="mes-donnees-relais-')
    assert "Trouver un repreneur" in document.content.decode()
    data = json.loads(client.get("/donnees-personnelles/mes-donnees/copie/json/").content)
    assert data["personne"] == EMAIL
    account = next(section for section in data["données"] if section["catégorie"] == "Votre compte")
    assert account["lignes"][0]["email"] == EMAIL and account["lignes"][0]["phone"] == "+33611000022"
    assert "password" not in account["lignes"][0]
    assert AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED, actor=person).count() == 3
    assert client.get("/donnees-personnelles/mes-donnees/copie/pdf/").status_code == 404


def test_the_copy_query_count_does_not_grow_with_the_data(client, person, django_assert_max_num_queries):
    with django_assert_max_num_queries(80) as captured:
        client.get("/donnees-personnelles/mes-donnees/copie/json/")
    before = len(captured)
    for _ in range(10):
        SolicitationFactory(email=EMAIL)
    with django_assert_max_num_queries(before):
        client.get("/donnees-personnelles/mes-donnees/copie/json/")


def test_objecting_to_the_newsletter_unsubscribes(client, person):
    client.post("/donnees-personnelles/mes-donnees/opposition/ce-lettre-information/")
    assert NewsletterSubscription.objects.get(email=EMAIL).unsubscribed_at is not None
    assert AuditEntry.objects.filter(action=AuditAction.OBJECTION_CHANGED).exists()
    assert client.post("/donnees-personnelles/mes-donnees/opposition/ce-lettre-information/").status_code == 404


def test_objecting_to_surveys_stops_them(client, person):
    closed_at = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC"))
    agent = UserFactory()
    need = NeedFactory(diagnosis=DiagnosisFactory(solicitation=SolicitationFactory(email=EMAIL)), status=NeedStatus.QUO)
    match = MatchFactory(need=need, expert=ExpertFactory(users=[agent]), sent_at=closed_at)
    with time_machine.travel(closed_at, tick=False):
        take_charge(match=match, actor=agent)
        close(match=match, actor=agent, outcome=MatchStatus.DONE)
    response = client.post("/donnees-personnelles/mes-donnees/opposition/ce-enquetes-satisfaction/")
    assert response.status_code == 302
    assert ProcessingObjection.objects.filter(email=EMAIL, purpose="ce-enquetes-satisfaction").exists()
    with time_machine.travel(closed_at + timedelta(days=11), tick=False):
        assert send_satisfaction_emails(dry_run=True) == []
    ProcessingObjection.objects.all().delete()
    with time_machine.travel(closed_at + timedelta(days=11), tick=False):
        assert len(send_satisfaction_emails(dry_run=True)) == 1


def test_the_pages_need_a_signed_in_person(client):
    for url in ("/donnees-personnelles/mes-donnees/", "/donnees-personnelles/mes-donnees/copie/json/"):
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
