import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from relais.conseillers_entreprises.enums import TerritorialLevel, ZoneType
from relais.territories.models import CommuneKind, Epci
from tests.accounts.factories import UserFactory
from tests.companies.factories import CommuneFactory, DepartmentFactory, RegionFactory

from .factories import AntenneFactory, ExpertFactory, ExpertSubjectFactory, SubjectFactory, TerritorialZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_client(client):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="triage_solicitation"))
    client.force_login(user)
    return client


@pytest.fixture
def territory():
    ara = RegionFactory(insee_code="84", name="Auvergne-Rhône-Alpes")
    rhone = DepartmentFactory(insee_code="69", name="Rhône", region=ara)
    ain = DepartmentFactory(insee_code="01", name="Ain", region=ara)
    gironde = DepartmentFactory(insee_code="33", name="Gironde", region=RegionFactory(insee_code="75", name="N-A"))
    metropole = Epci.objects.create(siren="200046977", name="Métropole de Lyon")
    lyon = CommuneFactory(insee_code="69123", name="Lyon", department=rhone, epci=metropole)
    CommuneFactory(insee_code="69381", name="Lyon 1er", department=rhone, parent=lyon, kind=CommuneKind.ARRONDISSEMENT)
    CommuneFactory(insee_code="69266", name="Villeurbanne", department=rhone, epci=metropole)
    CommuneFactory(insee_code="69264", name="Villefranche-sur-Saône", department=rhone)
    CommuneFactory(insee_code="01053", name="Bourg-en-Bresse", department=ain)
    CommuneFactory(insee_code="33063", name="Bordeaux", department=gironde)


def team(subject, *, level=TerritorialLevel.LOCAL, zones=(), own_zones=(), **fields):
    expert = ExpertFactory(antenne=AntenneFactory(territorial_level=level), users=[], **fields)
    ExpertSubjectFactory(expert=expert, institution_subject__subject=subject)
    for zone_type, code in zones:
        TerritorialZoneFactory(antenne=expert.antenne, zone_type=zone_type, code=code)
    for zone_type, code in own_zones:
        TerritorialZoneFactory(expert=expert, zone_type=zone_type, code=code)
    return expert


def test_anonymous_is_sent_to_login_and_non_support_gets_403(client):
    url = reverse("conseillers_entreprises:coverage")
    response = client.get(url)
    assert response.status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.get(reverse("conseillers_entreprises:coverage_department", args=["recruter", "69"])).status_code == (
        403
    )


def test_departments_with_their_uncovered_communes(support_client, territory, django_assert_max_num_queries):
    subject = SubjectFactory(slug="recruter", label="Recruter un ou plusieurs salariés")
    team(subject, zones=[(ZoneType.EPCI, "200046977")])
    team(subject, zones=[(ZoneType.REGION, "75")])
    team(subject, zones=[(ZoneType.DEPARTMENT, "01")], own_zones=[(ZoneType.COMMUNE, "69264")])
    team(subject, zones=[(ZoneType.DEPARTMENT, "01")], is_active=False)
    for _ in range(5):
        team(SubjectFactory(), zones=[(ZoneType.DEPARTMENT, "01")])
    # About ten queries are the site's own (session, user, permissions, terms, DSFR settings); the coverage takes
    # six whatever the number of teams and communes.
    with django_assert_max_num_queries(20):
        response = support_client.get(reverse("conseillers_entreprises:coverage"), {"subject": "recruter"})
    assert response.status_code == 200
    rows = [(department.insee_code, count, missing) for department, count, missing in response.context["rows"]]
    # The arrondissement is not counted; Bourg-en-Bresse's team is inactive, the other holds another subject.
    assert rows == [("01", 1, 1), ("33", 1, 0), ("69", 3, 0)]
    assert "1 commune sans équipe sur 5." in response.content.decode()

    response = support_client.get(reverse("conseillers_entreprises:coverage_department", args=["recruter", "01"]))
    assert [commune.insee_code for commune in response.context["communes"]] == ["01053"]
    assert "Bourg-en-Bresse" in response.content.decode()


def test_national_team_covers_everything(support_client, territory):
    subject = SubjectFactory(slug="recruter")
    team(subject, level=TerritorialLevel.NATIONAL)
    response = support_client.get(reverse("conseillers_entreprises:coverage"), {"subject": "recruter"})
    assert response.context["uncovered"] == 0
    response = support_client.get(reverse("conseillers_entreprises:coverage_department", args=["recruter", "01"]))
    assert response.context["communes"] == []


def test_subject_picker_alone(support_client, territory):
    SubjectFactory(slug="recruter", label="Recruter un ou plusieurs salariés")
    response = support_client.get(reverse("conseillers_entreprises:coverage"))
    assert response.status_code == 200
    assert "Recruter un ou plusieurs salariés" in response.content.decode()
    assert response.context["rows"] is None
