import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from relais.conseillers_entreprises.enums import MatchStatus, ZoneType
from relais.conseillers_entreprises.models import Diagnosis, Match, Need
from relais.conseillers_entreprises.services import take_charge
from relais.notifications.models import Email
from tests.accounts.factories import UserFactory
from tests.companies.factories import CommuneFactory, CompanyFactory, DepartmentFactory, EstablishmentFactory

from .factories import ExpertFactory, ExpertSubjectFactory, SubjectFactory, TerritorialZoneFactory

pytestmark = pytest.mark.django_db

URL = reverse("conseillers_entreprises:analysis_new")


@pytest.fixture
def establishment():
    lyon = CommuneFactory(insee_code="69123", name="Lyon", department=DepartmentFactory(insee_code="69"))
    company = CompanyFactory(
        name="ATELIER SOIERIE CROIX-ROUSSE",
        officers=[{"first_name": "Camille", "last_name": "Rivoire", "role": "Présidente"}],
    )
    return EstablishmentFactory(company=company, commune=lyon, commune_insee_code="69123")


@pytest.fixture
def subjects():
    return (
        SubjectFactory(slug="recruter", label="Recruter un ou plusieurs salariés"),
        SubjectFactory(slug="financer", label="Financer un investissement"),
    )


def team(subject, name):
    expert = ExpertFactory(name=name, email=f"{name.lower().replace(' ', '-')}@institution.fr")
    ExpertSubjectFactory(expert=expert, institution_subject__subject=subject)
    TerritorialZoneFactory(antenne=expert.antenne, zone_type=ZoneType.DEPARTMENT, code="69")
    return expert


@pytest.fixture
def advisor():
    user = UserFactory(first_name="Alix", last_name="Conseiller", email="alix@cci.fr")
    ExpertFactory(name="Développement CCI", users=[user])
    return user


def post_data(establishment_token, needs, *, consent=True, action="send", **extra):
    data = {
        "submission_token": str(establishment_token),
        "content": "Atelier de 12 salariés, carnet de commandes plein.",
        "contact_name": "Camille Rivoire",
        "contact_email": "camille@soierie.fr",
        "contact_phone": "0478000000",
        "besoins-TOTAL_FORMS": str(len(needs)),
        "besoins-INITIAL_FORMS": str(len(needs)),
        "besoins-MIN_NUM_FORMS": "1",
        "besoins-MAX_NUM_FORMS": "10",
        "action": action,
    }
    if consent:
        data["manager_consent"] = "on"
    for index, need in enumerate(needs):
        prefix = f"besoins-{index}-"
        data[prefix + "subject"] = str(need["subject"].pk)
        data[prefix + "description"] = need["description"]
        data[prefix + "experts"] = [str(expert.public_id) for expert in need.get("experts", [])]
        data[prefix + "routed_for"] = str(need.get("routed_for", need["subject"].pk))
    data.update(extra)
    return data


def page_url(establishment):
    return f"{URL}?siret={establishment.siret}"


def test_permissions(client, establishment):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.post(page_url(establishment)).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_support_may_analyse(client):
    group = Group.objects.create(name="Support")
    group.permissions.add(Permission.objects.get(codename="triage_solicitation"))
    support = UserFactory()
    support.groups.add(group)
    client.force_login(support)
    assert client.get(URL).status_code == 200


def test_search_and_company_identity(client, advisor, establishment):
    client.force_login(advisor)
    content = client.get(URL, {"q": "soierie"}).content.decode()
    assert establishment.siret in content
    response = client.get(URL, {"q": establishment.siret})
    assert "ATELIER SOIERIE CROIX-ROUSSE" in response.content.decode()
    content = client.get(page_url(establishment)).content.decode()
    assert establishment.company.legal_form_label in content
    assert "Camille Rivoire — Présidente" in content
    assert "Lyon" in content
    assert client.get(URL, {"siret": "73282932000074"}).status_code == 302


def test_build_with_two_subjects_uncheck_one_and_send(
    client, advisor, establishment, subjects, django_capture_on_commit_callbacks
):
    recruit, finance = subjects
    rh, apec = team(recruit, "Conseil RH"), team(recruit, "Apec")
    bpi = team(finance, "Bpifrance Lyon")
    agent = UserFactory(email="agent.rh@cci.fr")
    rh.users.set([agent])
    client.force_login(advisor)
    token = uuid.uuid4()
    # Choosing the subjects routes them: every team starts checked.
    needs = [
        {"subject": recruit, "description": "Recruter deux tisserands.", "routed_for": ""},
        {"subject": finance, "description": "Financer un métier à tisser.", "routed_for": ""},
    ]
    response = client.post(page_url(establishment), post_data(token, needs, action="update"))
    panels = [panel for _form, panel in response.context["needs"]]
    assert [{(c.expert, c.checked) for c in panel.candidates} for panel in panels] == [
        {(rh, True), (apec, True)},
        {(bpi, True)},
    ]
    assert 'value="Camille Rivoire"' in response.content.decode()

    needs = [
        {"subject": recruit, "description": "Recruter deux tisserands.", "experts": [rh]},
        {"subject": finance, "description": "Financer un métier à tisser.", "experts": [bpi]},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(establishment), post_data(token, needs))
    assert response.status_code == 302
    diagnosis = Diagnosis.objects.get()
    assert diagnosis.advisor == advisor
    assert diagnosis.establishment == establishment
    assert diagnosis.manager_consent and diagnosis.completed_at
    assert diagnosis.solicitation is None
    assert (diagnosis.contact_name, diagnosis.contact_email) == ("Camille Rivoire", "camille@soierie.fr")
    matches = Match.objects.filter(need__diagnosis=diagnosis)
    assert {(match.need.subject, match.expert) for match in matches} == {(recruit, rh), (finance, bpi)}
    assert all(match.sent_at and match.status == MatchStatus.QUO for match in matches)
    subject = "L’entreprise ATELIER SOIERIE CROIX-ROUSSE a besoin de vous"
    bpi_agents = [user.email for user in bpi.users.all()]
    sent = {(email.to[0], email.subject) for email in Email.objects.all()}
    assert sent == {(to, subject) for to in ["agent.rh@cci.fr", rh.email, bpi.email, *bpi_agents]}
    assert not Email.objects.filter(to=[apec.email]).exists()
    assert "Camille Rivoire" in Email.objects.get(to=["agent.rh@cci.fr"]).text_body

    # The need page shows the manager met, and the advisor hears of the taking in charge.
    need = Need.objects.get(subject=recruit)
    client.force_login(agent)
    content = client.get(reverse("conseillers_entreprises:need", args=[need.public_id])).content.decode()
    assert "camille@soierie.fr" in content
    with django_capture_on_commit_callbacks(execute=True):
        take_charge(match=matches.get(expert=rh), actor=agent)
    assert Email.objects.filter(to=["alix@cci.fr"]).exists()


def test_consent_is_required(client, advisor, establishment, subjects):
    expert = team(subjects[0], "Conseil RH")
    client.force_login(advisor)
    needs = [{"subject": subjects[0], "description": "Recruter.", "experts": [expert]}]
    response = client.post(page_url(establishment), post_data(uuid.uuid4(), needs, consent=False))
    assert response.status_code == 200
    assert "les besoins ne sont transmis qu’avec l’accord du dirigeant" in response.content.decode()
    assert not Diagnosis.objects.exists()


def test_double_submit_creates_one_diagnosis(
    client, advisor, establishment, subjects, django_capture_on_commit_callbacks
):
    expert = team(subjects[0], "Conseil RH")
    client.force_login(advisor)
    data = post_data(uuid.uuid4(), [{"subject": subjects[0], "description": "Recruter.", "experts": [expert]}])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page_url(establishment), data).status_code == 302
        assert client.post(page_url(establishment), data).status_code == 302
    assert Diagnosis.objects.count() == 1
    assert Match.objects.count() == 1
    assert Email.objects.filter(to=[expert.email]).count() == 1


def test_only_routed_teams_can_be_notified(client, advisor, establishment, subjects):
    expert = team(subjects[0], "Conseil RH")
    outsider = ExpertFactory(name="Hors sujet")
    client.force_login(advisor)
    data = post_data(
        uuid.uuid4(), [{"subject": subjects[0], "description": "Recruter.", "experts": [expert, outsider]}]
    )
    client.post(page_url(establishment), data)
    assert [match.expert for match in Match.objects.all()] == [expert]


def test_the_detecting_advisor_follows_the_need_and_joins_the_thread(client, django_capture_on_commit_callbacks):
    from relais.conseillers_entreprises.services.thread import comment_recipients

    from .factories import MatchFactory

    advisor = UserFactory(email="conseiller.cci@exemple.fr")
    match = MatchFactory(need__diagnosis__advisor=advisor, need__diagnosis__solicitation=None)
    client.force_login(advisor)
    response = client.get(reverse("conseillers_entreprises:need", kwargs={"public_id": match.need.public_id}))
    assert response.status_code == 200
    assert advisor in comment_recipients(need=match.need, actor=match.expert.users.get())
    client.force_login(UserFactory())
    response = client.get(reverse("conseillers_entreprises:need", kwargs={"public_id": match.need.public_id}))
    assert response.status_code == 404
