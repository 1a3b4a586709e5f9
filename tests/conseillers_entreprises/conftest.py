"""Fixtures shared by the tests of the advisors' workspace (positioning, need page, thread, secure links)."""

import pytest
from django.contrib.auth.models import Group, Permission

from relais.conseillers_entreprises.enums import NeedStatus
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, EstablishmentFactory

from .factories import DiagnosisFactory, ExpertFactory, MatchFactory, NeedFactory, SolicitationFactory, SubjectFactory


@pytest.fixture
def support():
    group = Group.objects.create(name="Équipe support Conseillers-Entreprises")
    group.permissions.add(Permission.objects.get(codename="triage_solicitation"))
    user = UserFactory(first_name="Sacha", last_name="Support")
    user.groups.add(group)
    return user


@pytest.fixture
def need(support):
    """A need of the Lyon silk workshop sent by support to two expert teams, each with one agent."""
    establishment = EstablishmentFactory(company=CompanyFactory(name="ATELIER SOIERIE CROIX-ROUSSE"))
    solicitation = SolicitationFactory(
        first_name="Camille", last_name="Rivoire", email="camille.rivoire@soierie.fr", phone="0478000000"
    )
    diagnosis = DiagnosisFactory(solicitation=solicitation, establishment=establishment, advisor=support)
    need = NeedFactory(
        diagnosis=diagnosis,
        subject=SubjectFactory(label="Recruter un ou plusieurs salariés"),
        content="Recruter deux techniciens de maintenance.",
        status=NeedStatus.QUO,
    )
    for email in ("agent.cci@cci.fr", "agent.opco@opco.fr"):
        MatchFactory(need=need, expert=ExpertFactory(users=[UserFactory(email=email)]))
    return need


@pytest.fixture
def matches(need):
    return list(need.matches.select_related("expert").order_by("expert__email"))
