import pytest

from relais.accounts.models import User
from relais.companies import demo as companies_demo
from relais.companies.models import Establishment
from relais.conseillers_entreprises import demo
from relais.conseillers_entreprises.models import Absence, Expert, ExpertSubject, MatchFilter, Subject, TerritorialZone
from relais.conseillers_entreprises.services import route_need
from relais.conseillers_entreprises.taxonomy import OTHER_NEED_SLUG
from relais.core.demo import DEMO_PASSWORD
from tests.companies.factories import CommuneFactory, DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db

CITIES = {
    "69123": "Lyon",
    "75056": "Paris",
    "13055": "Marseille",
    "33063": "Bordeaux",
    "59350": "Lille",
    "35238": "Rennes",
    "31555": "Toulouse",
    "97411": "Saint-Denis",
}


@pytest.fixture
def demo_territories():
    for department, department_name, region, region_name, city in demo.TERRITORIES:
        department = DepartmentFactory(
            insee_code=department, name=department_name, region=RegionFactory(insee_code=region, name=region_name)
        )
        insee_code = next(code for code, name in CITIES.items() if name == city)
        CommuneFactory(insee_code=insee_code, name=city, department=department)


def test_every_demo_establishment_finds_one_to_three_teams_for_every_subject(demo_territories):
    companies_demo.load_demo()
    demo.load_demo()
    establishments = list(Establishment.objects.select_related("company", "commune"))
    assert len(establishments) == 11
    assert all(establishment.commune for establishment in establishments)
    subjects = list(Subject.objects.filter(is_archived=False).exclude(slug=OTHER_NEED_SLUG))
    assert len(subjects) >= 42
    unrouted, crowded = [], []
    for establishment in establishments:
        for subject in subjects:
            kept = route_need(subject=subject, establishment=establishment).kept
            if not kept:
                unrouted.append((establishment.commune.name, subject.slug))
            elif len(kept) > 3:
                crowded.append((establishment.commune.name, subject.slug, [str(e) for e in kept]))
    assert unrouted == [], unrouted
    assert crowded == []


def test_demo_shows_opco_chamber_absence_and_expert_zones(demo_territories):
    companies_demo.load_demo()
    demo.load_demo()
    lyon = Establishment.objects.get(siret="84215937800012")
    kept = route_need(subject=Subject.objects.get(slug="recruter"), establishment=lyon, explain=True)
    assert [expert.name for expert in kept.kept] == [
        "Service entreprises Lyon Métropole",
        "Conseillers emploi-formation",
    ]
    assert {(e.expert.name, e.rule) for e in kept.excluded} == {
        ("Équipe recrutement Rhône", "absence"),
        ("Conseillers emploi-formation", "opco"),
    }
    assert Expert.objects.get(email="nord@opco-atlas.demo.relais.test").has_own_zones
    toulouse = Establishment.objects.get(siret="83069145700014")
    routing = route_need(subject=Subject.objects.get(slug="strategie"), establishment=toulouse, explain=True)
    assert [e.reason for e in routing.excluded if e.rule == "chamber"] == [
        "Chambre : Chambre de Métiers et de l’Artisanat sert les artisans ; l’activité de l’entreprise est commerciale."
    ]


def test_load_demo_is_idempotent_and_agents_can_log_in(demo_territories, client):
    demo.load_demo()
    models = (Expert, ExpertSubject, TerritorialZone, MatchFilter, Absence, User)
    counts = [model.objects.count() for model in models]
    demo.load_demo()
    assert counts == [model.objects.count() for model in models]
    for email, _role in demo.demo_accounts():
        assert client.login(username=email, password=DEMO_PASSWORD)
