import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from relais.conseillers_entreprises.enums import SolicitationStatus
from relais.conseillers_entreprises.services.statistics import StatsScope, compute_figures
from tests.accounts.factories import UserFactory
from tests.companies.factories import CommuneFactory, DepartmentFactory, EstablishmentFactory, RegionFactory

from .factories import (
    AntenneFactory,
    DiagnosisFactory,
    ExpertFactory,
    MatchFactory,
    NeedFactory,
    SolicitationFactory,
    SubjectFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC
PERIOD = {"start": "2025-01-01", "end": "2025-03-31"}


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _empty_cache():
    # The public page caches its figures.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def support_user():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="triage_solicitation"))
    return user


@pytest.fixture
def dataset():
    """Six needs around January–March 2025; the expected figures are worked out in the tests."""
    ara = RegionFactory(insee_code="84", name="Auvergne-Rhône-Alpes")
    na = RegionFactory(insee_code="75", name="Nouvelle-Aquitaine")
    lyon = CommuneFactory(insee_code="69123", name="Lyon", department=DepartmentFactory(insee_code="69", region=ara))
    bordeaux = CommuneFactory(
        insee_code="33063", name="Bordeaux", department=DepartmentFactory(insee_code="33", name="Gironde", region=na)
    )
    in_lyon = EstablishmentFactory(commune=lyon, company__name="BOULANGERIE DU RHONE")
    in_bordeaux = EstablishmentFactory(commune=bordeaux, company__name="CHAIS DE GIRONDE")
    hr = SubjectFactory(slug="recruter", label="Recruter", theme=ThemeFactory(slug="rh", label="Ressources humaines"))
    money = SubjectFactory(slug="financer", label="Financer", theme=ThemeFactory(slug="fi", label="Financement"))
    first, second = AntenneFactory(name="CCI Lyon"), AntenneFactory(name="CMA Gironde")
    lyon_team = ExpertFactory(antenne=first, name="Équipe Lyon", users=[])
    gironde_team = ExpertFactory(antenne=second, name="Équipe Gironde", users=[])

    sol1 = SolicitationFactory(subject=hr, establishment=in_lyon, submitted_at=paris(2025, 1, 10, 8))
    sol2 = SolicitationFactory(subject=money, establishment=in_bordeaux, submitted_at=paris(2025, 2, 3, 9))
    SolicitationFactory(subject=hr, status=SolicitationStatus.DRAFT, submitted_at=paris(2025, 1, 15))
    SolicitationFactory(subject=hr, submitted_at=paris(2024, 12, 31, 12))

    def need(subject, establishment=None, solicitation=None):
        return NeedFactory(
            subject=subject, diagnosis=DiagnosisFactory(solicitation=solicitation, establishment=establishment)
        )

    # Taken exactly 5 days after it was sent: counts as within 5 days.
    n1 = need(hr, in_lyon, sol1)
    MatchFactory(
        need=n1, expert=lyon_team, sent_at=paris(2025, 1, 10, 9), taken_care_of_at=paris(2025, 1, 15, 9),
        closed_at=paris(2025, 1, 20, 9),
    )  # fmt: skip
    # One minute late.
    n2 = need(money, in_bordeaux, sol2)
    MatchFactory(need=n2, expert=gironde_team, sent_at=paris(2025, 2, 3, 10), taken_care_of_at=paris(2025, 2, 8, 10, 1))
    # 31 January 23:30 UTC is 1 February in Paris; no establishment: region unknown.
    n3 = need(hr)
    MatchFactory(need=n3, expert=lyon_team, sent_at=datetime.datetime(2025, 1, 31, 23, 30, tzinfo=UTC))
    # Sent before the period.
    MatchFactory(need=need(hr, in_lyon), expert=lyon_team, sent_at=paris(2024, 12, 20))
    # Never sent.
    MatchFactory(need=need(hr, in_lyon), expert=lyon_team)
    # Two teams: the second takes it charge a day after the first transmission.
    n6 = need(money, in_lyon)
    MatchFactory(need=n6, expert=lyon_team, sent_at=paris(2025, 3, 1, 10))
    MatchFactory(need=n6, expert=gironde_team, sent_at=paris(2025, 3, 2, 10), taken_care_of_at=paris(2025, 3, 3))
    return SimpleNamespace(
        ara=ara, hr=hr, money=money, first=first, second=second, lyon_team=lyon_team, gironde_team=gironde_team
    )


def scope(**fields) -> StatsScope:
    return StatsScope(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 31), **fields)


def counts(row) -> tuple:
    return row.solicitations, row.transmitted, row.taken, row.fast


def test_key_figures_and_shares(dataset):
    figures = compute_figures(scope())
    assert counts(figures.total) == (2, 4, 3, 2)
    assert figures.total.taken_percent == 75.0
    assert figures.total.fast_percent == 50.0


def test_by_month_in_paris_time(dataset):
    figures = compute_figures(scope())
    assert [(row.label, *counts(row)) for row in figures.months] == [
        ("janv. 2025", 1, 1, 1, 1),
        ("févr. 2025", 1, 2, 1, 0),
        ("mars 2025", 0, 1, 1, 1),
    ]


def test_by_theme_and_region(dataset):
    figures = compute_figures(scope())
    assert {row.label: counts(row) for row in figures.themes} == {
        "Financement": (1, 2, 2, 1),
        "Ressources humaines": (1, 2, 1, 1),
    }
    assert [(row.label, *counts(row)) for row in figures.regions] == [
        ("Auvergne-Rhône-Alpes", 1, 2, 2, 2),
        ("Nouvelle-Aquitaine", 1, 1, 1, 0),
        ("Non renseignée", 0, 1, 0, 0),
    ]


def test_five_day_rule_edge(dataset):
    """n1 is taken exactly 5 days after being sent (counts), n2 five days and one minute after (does not)."""
    january = compute_figures(StatsScope(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 1, 31)))
    assert counts(january.total) == (1, 1, 1, 1)
    february = compute_figures(
        StatsScope(start=datetime.date(2025, 2, 1), end=datetime.date(2025, 2, 28), antenne=dataset.second)
    )
    assert counts(february.total) == (1, 1, 1, 0)


def test_filters(dataset):
    assert counts(compute_figures(scope(region_code="84")).total) == (1, 2, 2, 2)
    assert counts(compute_figures(scope(subject=dataset.hr)).total) == (1, 2, 1, 1)
    assert counts(compute_figures(scope(institution=dataset.second.institution)).total) == (1, 2, 2, 1)
    assert counts(compute_figures(scope(antenne=dataset.first)).total) == (1, 3, 1, 1)


def test_manager_scope_only_knows_their_teams_matches(dataset):
    # n6 counts for the first antenne as transmitted but not taken: the second antenne took it.
    assert counts(compute_figures(scope(antenne_ids=(dataset.first.pk,))).total) == (1, 3, 1, 1)
    assert counts(compute_figures(scope(antenne_ids=())).total) == (0, 0, 0, 0)


def test_public_page_without_login_shows_figures_charts_and_tables(client, dataset, django_assert_max_num_queries):
    sent = timezone.now() - datetime.timedelta(days=1)
    MatchFactory(sent_at=sent, taken_care_of_at=sent + datetime.timedelta(hours=3), need__diagnosis__solicitation=None)
    with django_assert_max_num_queries(6 + 4):
        response = client.get(reverse("conseillers_entreprises:stats"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 4
    assert "Besoins transmis par mois" in html
    assert "Données du graphique" in html
    assert "100 %" in html
    assert "style=" not in html.split("<main", 1)[1]
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_public_page_is_cached(client, dataset, django_assert_max_num_queries):
    url = reverse("conseillers_entreprises:stats")
    before = client.get(url).context["figures"].total.transmitted
    MatchFactory(sent_at=timezone.now(), need__diagnosis__solicitation=None)
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.context["figures"].total.transmitted == before


def test_team_pages_need_support_or_an_antenne_manager(client, dataset):
    urls = [
        reverse("conseillers_entreprises:stats_dashboard"),
        reverse("conseillers_entreprises:stats_export", kwargs={"name": "besoins", "extension": "csv"}),
        reverse("conseillers_entreprises:stats_export", kwargs={"name": "mises-en-relation", "extension": "xlsx"}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/connexion/" in response["Location"] or "login" in response["Location"]
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 403


def test_dashboard_for_support_with_filters_and_export_links(client, dataset, support_user):
    client.force_login(support_user)
    response = client.get(reverse("conseillers_entreprises:stats_dashboard"), {**PERIOD, "region": "84"})
    assert response.status_code == 200
    assert counts(response.context["figures"].total) == (1, 2, 2, 2)
    assert "/support/exports/besoins.csv?start=2025-01-01&amp;end=2025-03-31&amp;region=84" in response.content.decode()


def test_dashboard_form_errors_in_french(client, dataset, support_user):
    client.force_login(support_user)
    response = client.get(
        reverse("conseillers_entreprises:stats_dashboard"), {"start": "2025-03-01", "end": "2025-02-01"}
    )
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert "La date de fin doit suivre la date de début." in response.content.decode()
    response = client.get(reverse("conseillers_entreprises:stats_dashboard"), {"start": "pas une date"})
    assert "Saisissez une date valide" in response.content.decode()


def test_manager_of_another_antenne_sees_none_of_the_first_antennes_data(client, dataset):
    manager = UserFactory()
    other = AntenneFactory(name="Antenne sans besoin")
    other.managers.add(manager)
    client.force_login(manager)
    response = client.get(reverse("conseillers_entreprises:stats_dashboard"), PERIOD)
    assert response.status_code == 200
    assert counts(response.context["figures"].total) == (0, 0, 0, 0)
    # Choosing someone else's antenne is refused by the form rather than widening the scope.
    response = client.get(
        reverse("conseillers_entreprises:stats_dashboard"), {**PERIOD, "antenne": dataset.first.public_id}
    )
    assert response.context["figures"] is None


def test_manager_sees_their_antennes_figures(client, dataset):
    manager = UserFactory()
    dataset.first.managers.add(manager)
    client.force_login(manager)
    response = client.get(reverse("conseillers_entreprises:stats_dashboard"), PERIOD)
    assert counts(response.context["figures"].total) == (1, 3, 1, 1)


@pytest.mark.parametrize("extra_needs", [1, 20])
def test_dashboard_query_count_does_not_grow_with_needs(
    client, dataset, support_user, extra_needs, django_assert_max_num_queries
):
    for _ in range(extra_needs):
        MatchFactory(sent_at=paris(2025, 2, 10), taken_care_of_at=paris(2025, 2, 11))
    client.force_login(support_user)
    # Session, user, permissions and site settings, six grouped figure queries, four filter choice lists.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("conseillers_entreprises:stats_dashboard"), PERIOD)
    assert counts(response.context["figures"].total)[1] == 4 + extra_needs
