"""Anonymising the companies 3 years after their last use leaves the statistics exactly as they were."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client

from relais.conseillers_entreprises.enums import MatchStatus, NeedStatus, SolicitationStatus
from relais.conseillers_entreprises.models import Diagnosis, Solicitation
from relais.conseillers_entreprises.services.statistics import StatsScope, compute_figures
from relais.privacy.registry import registry
from relais.privacy.services.retention import apply_rule
from tests.accounts.factories import UserFactory
from tests.companies.factories import CommuneFactory, DepartmentFactory, EstablishmentFactory, RegionFactory
from tests.conseillers_entreprises.factories import (
    DiagnosisFactory,
    ExpertFactory,
    MatchFactory,
    NeedFactory,
    SolicitationFactory,
    SubjectFactory,
)

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

PARIS = ZoneInfo("Europe/Paris")
OLD = datetime.datetime(2021, 2, 10, 9, 30, tzinfo=PARIS)
RUN = datetime.datetime(2024, 6, 20, 4, 0, tzinfo=PARIS)
RECENT = datetime.datetime(2024, 4, 2, 11, 0, tzinfo=PARIS)


def _company_need(*, when, establishment, subject, taken: bool):
    solicitation = SolicitationFactory(
        establishment=establishment, subject=subject, submitted_at=when, status=SolicitationStatus.PROCESSED
    )
    need = NeedFactory(
        diagnosis=DiagnosisFactory(solicitation=solicitation, establishment=establishment),
        subject=subject,
        content="Le dirigeant, M. Martin, veut recruter.",
        status=NeedStatus.DONE if taken else NeedStatus.QUO,
    )
    MatchFactory(
        need=need,
        expert=ExpertFactory(),
        sent_at=when,
        taken_care_of_at=when + datetime.timedelta(days=3) if taken else None,
        status=MatchStatus.DONE if taken else MatchStatus.QUO,
    )


@pytest.fixture
def history():
    ara = RegionFactory(insee_code="84", name="Auvergne-Rhône-Alpes")
    lyon = CommuneFactory(insee_code="69123", name="Lyon", department=DepartmentFactory(insee_code="69", region=ara))
    recruit, export = SubjectFactory(label="Recruter"), SubjectFactory(label="Exporter")
    with time_machine.travel(OLD, tick=False):
        for index in range(6):
            _company_need(
                when=OLD + datetime.timedelta(days=index * 20),
                establishment=EstablishmentFactory(commune=lyon),
                subject=recruit if index % 2 else export,
                taken=index % 3 != 0,
            )
    with time_machine.travel(RECENT, tick=False):
        for index in range(3):
            _company_need(
                when=RECENT - datetime.timedelta(days=index * 15),
                establishment=EstablishmentFactory(commune=lyon),
                subject=recruit,
                taken=bool(index),
            )


def _pages(client: Client) -> tuple[str, str]:
    """The public page and the support dashboard over the whole history, without their per-request CSRF tokens."""
    cache.clear()
    public = client.get("/stats/")
    dashboard = client.get("/support/tableau-de-bord/", {"start": "2020-06-01", "end": "2024-06-19"})
    assert public.status_code == dashboard.status_code == 200
    return tuple(CSRF.sub("", response.content.decode()) for response in (public, dashboard))


def test_stats_are_the_same_before_and_after_anonymisation(history):
    support = UserFactory()
    support.user_permissions.add(Permission.objects.get(codename="triage_solicitation"))
    client = Client()
    client.force_login(support)
    scope = StatsScope(start=datetime.date(2020, 6, 1), end=datetime.date(2024, 6, 19))
    with time_machine.travel(RUN, tick=False):
        figures_before = compute_figures(scope)
        pages_before = _pages(client)
        assert figures_before.total.transmitted == 9
        for name in ("ce-entreprises", "ce-demandes-non-transmises"):
            apply_rule(registry.rules[name], wet_run=True)
        figures_after = compute_figures(scope)
        pages_after = _pages(client)
    assert Diagnosis.objects.filter(anonymised_at__isnull=False).count() == 6
    assert not Solicitation.objects.filter(submitted_at__lt=RECENT - datetime.timedelta(days=90)).exclude(email="")
    assert figures_after == figures_before
    assert pages_after == pages_before
