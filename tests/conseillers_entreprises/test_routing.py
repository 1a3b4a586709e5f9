import datetime

import pytest
import time_machine

from relais.companies.models import Establishment
from relais.conseillers_entreprises.enums import TerritorialLevel, ZoneType
from relais.conseillers_entreprises.models import (
    Absence,
    Antenne,
    Expert,
    ExpertSubject,
    MatchFilter,
    SubjectAnswerFilter,
    TerritorialZone,
)
from relais.conseillers_entreprises.services import explain_expert, route_need
from relais.conseillers_entreprises.services.routing import EXPLAIN_MAX_CANDIDATES
from relais.territories.models import CommuneKind, Epci
from tests.accounts.factories import UserFactory
from tests.companies.factories import (
    CommuneFactory,
    CompanyFactory,
    DepartmentFactory,
    EstablishmentFactory,
    RegionFactory,
)

from .factories import (
    AntenneFactory,
    ExpertFactory,
    ExpertSubjectFactory,
    InstitutionFactory,
    InstitutionSubjectFactory,
    SubjectFactory,
    SubjectQuestionFactory,
    TerritorialZoneFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
LYON_METROPOLE = "200046977"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0), tick=False):
        yield


@pytest.fixture
def territory():
    """Lyon (with its EPCI and its 1st arrondissement) in Rhône (69), Villeurbanne, and Bordeaux in Gironde (33)."""
    metropole = Epci.objects.create(siren=LYON_METROPOLE, name="Métropole de Lyon")
    rhone = DepartmentFactory(insee_code="69", name="Rhône", region=RegionFactory(insee_code="84"))
    lyon = CommuneFactory(insee_code="69123", name="Lyon", department=rhone, epci=metropole)
    lyon_1 = CommuneFactory(
        insee_code="69381",
        name="Lyon 1er Arrondissement",
        department=rhone,
        parent=lyon,
        kind=CommuneKind.ARRONDISSEMENT,
    )
    villeurbanne = CommuneFactory(insee_code="69266", name="Villeurbanne", department=rhone, epci=metropole)
    gironde = DepartmentFactory(
        insee_code="33", name="Gironde", region=RegionFactory(insee_code="75", name="Nouvelle-Aquitaine")
    )
    bordeaux = CommuneFactory(insee_code="33063", name="Bordeaux", department=gironde)
    return {"lyon": lyon, "lyon_1": lyon_1, "villeurbanne": villeurbanne, "bordeaux": bordeaux}


@pytest.fixture
def subject():
    return SubjectFactory(slug="recruter", label="Recruter un ou plusieurs salariés")


def establishment_in(commune, establishment=None, **company_fields) -> Establishment:
    """An establishment whose own staff band and NAF code are unknown unless given: the company's then apply."""
    company = CompanyFactory(**company_fields)
    fields = {"staff_size_code": "", "naf_code": "", **(establishment or {})}
    return EstablishmentFactory(company=company, commune=commune, commune_insee_code=commune.insee_code, **fields)


def expert_for(subject, *, zones=(), own_zones=(), level=TerritorialLevel.LOCAL, institution=None, **expert_fields):
    """An expert holding the subject, its antenne covering `zones`, itself covering `own_zones` (override)."""
    antenne = AntenneFactory(territorial_level=level, **({"institution": institution} if institution else {}))
    expert = ExpertFactory(antenne=antenne, **expert_fields)
    ExpertSubjectFactory(expert=expert, institution_subject__subject=subject)
    for zone_type, code in zones:
        TerritorialZoneFactory(antenne=antenne, zone_type=zone_type, code=code)
    for zone_type, code in own_zones:
        TerritorialZoneFactory(expert=expert, zone_type=zone_type, code=code)
    expert.refresh_from_db()
    return expert


@pytest.mark.parametrize(
    ("zone_type", "code"),
    [
        (ZoneType.COMMUNE, "69123"),
        (ZoneType.EPCI, LYON_METROPOLE),
        (ZoneType.DEPARTMENT, "69"),
        (ZoneType.REGION, "84"),
    ],
)
def test_each_territorial_level_covers_the_communes_inside_it(territory, subject, zone_type, code):
    expert = expert_for(subject, zones=[(zone_type, code)])
    assert route_need(subject=subject, establishment=establishment_in(territory["lyon"])).kept == [expert]
    assert route_need(subject=subject, establishment=establishment_in(territory["bordeaux"])).kept == []


def test_a_zone_on_a_commune_covers_its_arrondissements(territory, subject):
    parent_zone = expert_for(subject, zones=[(ZoneType.COMMUNE, "69123")])
    other_commune = expert_for(subject, zones=[(ZoneType.COMMUNE, "69266")])
    in_arrondissement = establishment_in(territory["lyon_1"])
    assert route_need(subject=subject, establishment=in_arrondissement).kept == [parent_zone]
    # The arrondissement has no EPCI of its own: its parent commune's counts.
    metropole = expert_for(subject, zones=[(ZoneType.EPCI, LYON_METROPOLE)])
    assert set(route_need(subject=subject, establishment=in_arrondissement).kept) == {parent_zone, metropole}
    assert other_commune not in route_need(subject=subject, establishment=in_arrondissement).kept


def test_establishment_without_commune_link_is_located_by_its_insee_code(territory, subject):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    establishment = EstablishmentFactory(commune=None, commune_insee_code="69123")
    assert route_need(subject=subject, establishment=establishment).kept == [expert]


@pytest.mark.parametrize("insee_code", ["", "99999"])
def test_establishment_in_no_known_commune_goes_to_the_national_teams_only(territory, subject, insee_code):
    national = expert_for(subject, level=TerritorialLevel.NATIONAL)
    local = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    establishment = EstablishmentFactory(commune=None, commune_insee_code=insee_code)
    routing = route_need(subject=subject, establishment=establishment, explain=True)
    assert routing.kept == [national]
    assert not routing.need.place.is_known
    assert explain_expert(expert=local, routing=routing).reason == (
        "Hors territoire : l’antenne couvre Rhône (69), pas la commune de l’établissement, inconnue."
    )


def test_expert_zones_override_the_antenne_zones(territory, subject):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")], own_zones=[(ZoneType.DEPARTMENT, "33")])
    assert expert.has_own_zones
    assert route_need(subject=subject, establishment=establishment_in(territory["lyon"])).kept == []
    assert route_need(subject=subject, establishment=establishment_in(territory["bordeaux"])).kept == [expert]


def test_has_own_zones_follows_the_zones(subject):
    expert = expert_for(subject, own_zones=[(ZoneType.DEPARTMENT, "33")])
    assert Expert.objects.get(pk=expert.pk).has_own_zones
    TerritorialZone.objects.filter(expert=expert).delete()
    assert not Expert.objects.get(pk=expert.pk).has_own_zones


def test_national_antenne_covers_all_france_unless_its_expert_has_zones(territory, subject):
    national = expert_for(subject, level=TerritorialLevel.NATIONAL)
    restricted = expert_for(subject, level=TerritorialLevel.NATIONAL, own_zones=[(ZoneType.REGION, "84")])
    assert route_need(subject=subject, establishment=establishment_in(territory["bordeaux"])).kept == [national]
    assert set(route_need(subject=subject, establishment=establishment_in(territory["lyon"])).kept) == {
        national,
        restricted,
    }


def test_subject_must_be_held_through_the_expert_institution(territory, subject):
    expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    # Holds the subject through another institution's offer: inconsistent data, never routed.
    stray = ExpertFactory()
    TerritorialZoneFactory(antenne=stray.antenne, zone_type=ZoneType.DEPARTMENT, code="69")
    ExpertSubjectFactory(
        expert=stray, institution_subject__subject=subject, institution_subject__institution=InstitutionFactory()
    )
    other_subject = SubjectFactory()
    establishment = establishment_in(territory["lyon"])
    assert stray not in route_need(subject=subject, establishment=establishment).kept
    assert route_need(subject=other_subject, establishment=establishment).kept == []
    exclusion = explain_expert(expert=stray, subject=subject, establishment=establishment)
    assert exclusion.rule == "subject"
    assert exclusion.reason == (
        f"Sujet : l’équipe ne traite pas « Recruter un ou plusieurs salariés » pour {stray.antenne.institution.name}."
    )


@pytest.mark.parametrize("inactive", ["institution", "antenne", "expert"])
def test_inactive_experts_antennes_and_institutions_are_never_kept(territory, subject, inactive):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    target = {"institution": expert.antenne.institution, "antenne": expert.antenne, "expert": expert}[inactive]
    target.is_active = False
    target.save()
    establishment = establishment_in(territory["lyon"])
    assert route_need(subject=subject, establishment=establishment).kept == []
    explained = route_need(subject=subject, establishment=establishment, explain=True)
    assert [(e.expert, e.rule) for e in explained.excluded] == [(expert, "inactive")]


def test_one_accepting_filter_is_enough_as_in_the_public_service(territory, subject):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    establishment = establishment_in(territory["lyon"], staff_size_code="11", naf_code="62.01Z")
    assert establishment.company.legal_form_code == "5710"
    institution_filter = MatchFilter.objects.create(institution=expert.antenne.institution, min_staff=20)
    expert_filter = MatchFilter.objects.create(expert=expert, excluded_legal_forms=["57"])
    assert route_need(subject=subject, establishment=establishment).kept == []
    exclusion = explain_expert(expert=expert, subject=subject, establishment=establishment)
    assert (exclusion.rule, exclusion.reason) == (
        "institution_filter",
        "Filtres : aucun n’accepte l’entreprise (filtre de l’institution : effectif minimal 20 salariés, "
        "l’entreprise en compte 10 à 19 ; filtre de l’équipe : forme juridique 5710 exclue (57)).",
    )
    MatchFilter.objects.create(antenne=expert.antenne, accepted_naf_codes=["62"])
    assert route_need(subject=subject, establishment=establishment).kept == [expert]
    expert_filter.excluded_legal_forms = ["54"]
    expert_filter.save()
    institution_filter.delete()
    assert route_need(subject=subject, establishment=establishment).kept == [expert]


def test_a_more_specific_filter_on_the_same_criteria_replaces_the_wider_one(territory, subject):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    establishment = establishment_in(territory["lyon"], staff_size_code="12")
    MatchFilter.objects.create(institution=expert.antenne.institution, max_staff=10)
    assert route_need(subject=subject, establishment=establishment).kept == []
    # The antenne allows up to 49 employees: its filter replaces the institution's on the staff criterion.
    antenne_filter = MatchFilter.objects.create(antenne=expert.antenne, max_staff=49)
    assert route_need(subject=subject, establishment=establishment).kept == [expert]
    # The team's own filter on the same criterion replaces the antenne's in turn.
    MatchFilter.objects.create(expert=expert, max_staff=19)
    assert route_need(subject=subject, establishment=establishment).kept == []
    assert explain_expert(expert=expert, subject=subject, establishment=establishment).rule == "expert_filter"
    # Scoped to another subject, a filter neither applies nor replaces anything.
    antenne_filter.subjects.add(SubjectFactory())
    MatchFilter.objects.filter(expert=expert).delete()
    assert route_need(subject=subject, establishment=establishment).kept == []


def test_first_failing_level_is_the_institution(territory, subject):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    establishment = establishment_in(territory["lyon"], staff_size_code="02")
    MatchFilter.objects.create(institution=expert.antenne.institution, min_staff=10)
    exclusion = explain_expert(expert=expert, subject=subject, establishment=establishment)
    assert (exclusion.rule, exclusion.reason) == (
        "institution_filter",
        "Filtre de l’institution : effectif minimal 10 salariés, l’entreprise en compte 3 à 5.",
    )


def test_filter_scoped_to_subjects_applies_only_to_them(territory, subject):
    other_subject = SubjectFactory()
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    ExpertSubjectFactory(expert=expert, institution_subject__subject=other_subject)
    scoped = MatchFilter.objects.create(institution=expert.antenne.institution, accepted_naf_codes=["10.71"])
    scoped.subjects.add(other_subject)
    establishment = establishment_in(territory["lyon"], naf_code="62.01Z")
    assert route_need(subject=subject, establishment=establishment).kept == [expert]
    assert route_need(subject=other_subject, establishment=establishment).kept == []


def test_filter_scoped_to_subjects_is_explained_only_for_them(territory, subject):
    other_subject = SubjectFactory()
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    ExpertSubjectFactory(expert=expert, institution_subject__subject=other_subject)
    scoped = MatchFilter.objects.create(antenne=expert.antenne, accepted_naf_codes=["10.71"])
    scoped.subjects.add(other_subject, SubjectFactory())
    establishment = establishment_in(territory["lyon"], naf_code="62.01Z")
    assert route_need(subject=subject, establishment=establishment, explain=True).excluded == []
    assert explain_expert(expert=expert, subject=subject, establishment=establishment) is None
    explained = route_need(subject=other_subject, establishment=establishment, explain=True)
    assert [(e.expert, e.rule) for e in explained.excluded] == [(expert, "antenne_filter")]


def test_team_covered_several_ways_is_kept_once(territory, subject):
    national = expert_for(
        subject, level=TerritorialLevel.NATIONAL, zones=[(ZoneType.DEPARTMENT, "69"), (ZoneType.COMMUNE, "69123")]
    )
    own = expert_for(subject, own_zones=[(ZoneType.REGION, "84"), (ZoneType.EPCI, LYON_METROPOLE)])
    assert set(route_need(subject=subject, establishment=establishment_in(territory["lyon_1"])).kept) == {national, own}
    assert len(route_need(subject=subject, establishment=establishment_in(territory["lyon_1"])).kept) == 2


@pytest.mark.parametrize(
    ("filter_fields", "company_fields", "reason"),
    [
        (
            {"min_staff": 10},
            {"staff_size_code": "NR"},
            "Filtre de l’institution : effectif minimal 10 salariés, l’effectif de l’entreprise est inconnu.",
        ),
        (
            {"max_staff": 49},
            {"staff_size_code": ""},
            "Filtre de l’institution : effectif maximal 49 salariés, l’effectif de l’entreprise est inconnu.",
        ),
        (
            {"min_years_of_existence": 3},
            {"creation_date": None},
            "Filtre de l’institution : ancienneté minimale 3 ans, la date de création de l’entreprise est inconnue.",
        ),
        (
            {"accepted_legal_forms": ["57"]},
            {"legal_form_code": ""},
            "Filtre de l’institution : formes juridiques acceptées 57, la forme juridique de l’entreprise est "
            "inconnue.",
        ),
    ],
)
def test_missing_company_data_rejects(territory, subject, filter_fields, company_fields, reason):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    MatchFilter.objects.create(institution=expert.antenne.institution, **filter_fields)
    establishment = establishment_in(territory["lyon"], **company_fields)
    assert route_need(subject=subject, establishment=establishment).kept == []
    assert explain_expert(expert=expert, subject=subject, establishment=establishment).reason == reason


@pytest.mark.parametrize(
    ("filter_fields", "company_fields", "kept"),
    [
        ({"min_years_of_existence": 3}, {"creation_date": datetime.date(2023, 11, 23)}, True),
        ({"min_years_of_existence": 3}, {"creation_date": datetime.date(2023, 11, 24)}, False),
        ({"max_years_of_existence": 2}, {"creation_date": datetime.date(2020, 1, 1)}, False),
        # To the day: 3 years and 6 months is more than "3 years at most", 2 years and 11 months less than 3.
        ({"max_years_of_existence": 3}, {"creation_date": datetime.date(2023, 5, 23)}, False),
        ({"max_years_of_existence": 3}, {"creation_date": datetime.date(2023, 11, 24)}, True),
        ({"max_years_of_existence": 3}, {"creation_date": datetime.date(2023, 11, 23)}, False),
        ({"min_years_of_existence": 3}, {"creation_date": datetime.date(2023, 12, 23)}, False),
        # A company without employee ("NN", not employer) has 0 of them.
        ({"max_staff": 0}, {"staff_size_code": "NN"}, True),
        ({"max_staff": 5}, {"staff_size_code": "NN"}, True),
        ({"min_staff": 1}, {"staff_size_code": "NN"}, False),
        # The inclusive maximum: 6 to 9 employees are at most 9.
        ({"max_staff": 9}, {"staff_size_code": "03"}, True),
        ({"max_staff": 9}, {"staff_size_code": "11"}, False),
        ({"min_staff": 10, "max_staff": 49}, {"staff_size_code": "12"}, True),
        # A tranche must lie entirely within the bounds: 6 to 9 employees is not certainly at least 8.
        ({"min_staff": 8}, {"staff_size_code": "03"}, False),
        ({"max_staff": 20}, {"staff_size_code": "12"}, False),
        ({"max_staff": 100000}, {"staff_size_code": "53"}, False),
        ({"min_staff": 0, "max_staff": 0}, {"staff_size_code": "00"}, True),
        ({"excluded_naf_codes": ["62"]}, {}, False),
        ({"excluded_naf_codes": ["10.71"]}, {}, True),
        # An exclusion list excludes nothing the company is not known to be.
        ({"excluded_naf_codes": ["62"]}, {"naf_code": ""}, True),
        ({"excluded_legal_forms": ["57"]}, {"legal_form_code": ""}, True),
    ],
)
def test_filter_bounds(territory, subject, filter_fields, company_fields, kept):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    MatchFilter.objects.create(antenne=expert.antenne, **filter_fields)
    establishment = establishment_in(territory["lyon"], **company_fields)
    assert (route_need(subject=subject, establishment=establishment).kept == [expert]) is kept


def test_excluded_communes_by_insee_code_including_the_parent_commune(territory, subject):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    MatchFilter.objects.create(expert=expert, excluded_communes=["69123"])
    assert route_need(subject=subject, establishment=establishment_in(territory["lyon_1"])).kept == []
    assert route_need(subject=subject, establishment=establishment_in(territory["villeurbanne"])).kept == [expert]
    exclusion = explain_expert(expert=expert, subject=subject, establishment=establishment_in(territory["lyon"]))
    assert exclusion.reason == "Filtre de l’équipe : commune Lyon (69123) exclue."


def absent(user):
    return Absence.objects.create(user=user, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=7))


def test_team_all_absent_is_skipped_when_another_team_of_its_institution_covers(territory, subject):
    institution = InstitutionFactory(name="CCI Lyon Métropole")
    away = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")], institution=institution, name="A")
    present = expert_for(subject, zones=[(ZoneType.REGION, "84")], institution=institution, name="B")
    for user in away.users.all():
        absent(user)
    half_present = present.users.first()
    present.users.add(UserFactory())
    absent(half_present)
    establishment = establishment_in(territory["lyon"])
    assert route_need(subject=subject, establishment=establishment).kept == [present]
    exclusion = explain_expert(expert=away, subject=subject, establishment=establishment)
    assert (exclusion.rule, exclusion.reason) == (
        "absence",
        "Absence : tous les agents de l’équipe sont absents aujourd’hui, une autre équipe de CCI Lyon Métropole "
        "couvre ce besoin.",
    )
    assert explain_expert(expert=present, subject=subject, establishment=establishment) is None


def test_team_all_absent_is_kept_when_alone_in_its_institution(territory, subject):
    away = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    other_institution = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    for user in away.users.all():
        absent(user)
    establishment = establishment_in(territory["lyon"])
    assert set(route_need(subject=subject, establishment=establishment).kept) == {away, other_institution}
    assert explain_expert(expert=away, subject=subject, establishment=establishment) is None


def test_past_absence_and_team_without_agents_do_not_count(territory, subject):
    institution = InstitutionFactory()
    without_agents = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")], institution=institution, users=[])
    back = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")], institution=institution)
    Absence.objects.create(user=back.users.get(), starts_on=TODAY.replace(day=1), ends_on=TODAY.replace(day=22))
    assert set(route_need(subject=subject, establishment=establishment_in(territory["lyon"])).kept) == {
        without_agents,
        back,
    }


def test_kept_list_is_ordered_by_institution_antenne_and_name(territory, subject):
    zones = [(ZoneType.DEPARTMENT, "69")]
    zebre = InstitutionFactory(name="Zèbre")
    eco = InstitutionFactory(name="Écureuil")
    abeille = InstitutionFactory(name="Abeille")
    experts = [
        expert_for(subject, zones=zones, institution=zebre, name="A"),
        expert_for(subject, zones=zones, institution=abeille, name="B"),
        expert_for(subject, zones=zones, institution=eco, name="C"),
        expert_for(subject, zones=zones, institution=abeille, name="A"),
    ]
    experts[3].antenne = experts[1].antenne
    experts[3].save()
    kept = route_need(subject=subject, establishment=establishment_in(territory["lyon"])).kept
    assert [(e.antenne.institution.name, e.name) for e in kept] == [
        ("Abeille", "A"),
        ("Abeille", "B"),
        ("Écureuil", "C"),
        ("Zèbre", "A"),
    ]


def test_explanation_reasons_in_rule_order(territory, subject):
    kept = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")], name="Gardée")
    outside = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "33")], name="Bordelaise")
    outside_own = expert_for(
        subject,
        zones=[(ZoneType.DEPARTMENT, "69")],
        own_zones=[(ZoneType.COMMUNE, "69266"), (ZoneType.EPCI, "200000001")],
        name="Villeurbannaise",
    )
    filtered = expert_for(subject, zones=[(ZoneType.REGION, "84")], name="Filtrée")
    MatchFilter.objects.create(antenne=filtered.antenne, min_years_of_existence=3)
    establishment = establishment_in(territory["lyon"], creation_date=datetime.date(2025, 1, 1))
    routing = route_need(subject=subject, establishment=establishment, explain=True)
    assert routing.kept == [kept]
    assert routing.kept == route_need(subject=subject, establishment=establishment).kept
    reasons = {exclusion.expert: (exclusion.rule, exclusion.reason) for exclusion in routing.excluded}
    assert reasons == {
        # Gironde is in another region: the explanation lists the establishment's region and national teams only.
        filtered: (
            "antenne_filter",
            "Filtre de l’antenne : ancienneté minimale 3 ans, l’entreprise a 1 an et 10 mois.",
        ),
        outside_own: (
            "territory",
            "Hors territoire : l’équipe couvre EPCI 200000001, Villeurbanne (69266), pas Métropole de Lyon.",
        ),
    }
    exclusion = explain_expert(expert=outside, subject=subject, establishment=establishment)
    assert (exclusion.rule, exclusion.reason) == (
        "territory",
        "Hors territoire : l’antenne couvre Gironde (33), pas Rhône (69).",
    )
    assert explain_expert(expert=kept, subject=subject, establishment=establishment) is None


def test_explanation_is_capped_with_a_note_but_never_the_kept_teams(territory, subject, monkeypatch):
    monkeypatch.setattr("relais.conseillers_entreprises.services.routing.EXPLAIN_MAX_CANDIDATES", 2)
    for _ in range(4):
        expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")], users=[])
    routing = route_need(subject=subject, establishment=establishment_in(territory["lyon"]), explain=True)
    assert len(routing.kept) == 4
    assert routing.omitted_candidates == 2
    assert routing.note.startswith("2 autres équipes traitant ce sujet")
    assert EXPLAIN_MAX_CANDIDATES == 200


def test_more_covering_teams_than_the_explanation_shows_are_all_kept(territory, subject):
    """A region where 230 teams hold the subject: every one receives the need, explained or not."""
    institution = InstitutionFactory()
    offer = InstitutionSubjectFactory(institution=institution, subject=subject)
    antennes = Antenne.objects.bulk_create(
        Antenne(institution=institution, name=f"Antenne {n}") for n in range(EXPLAIN_MAX_CANDIDATES + 30)
    )
    TerritorialZone.objects.bulk_create(
        TerritorialZone(antenne=antenne, zone_type=ZoneType.DEPARTMENT, code="69") for antenne in antennes
    )
    experts = Expert.objects.bulk_create(
        Expert(antenne=antenne, name=f"Équipe {n:03d}", email=f"equipe{n}@example.fr")
        for n, antenne in enumerate(antennes)
    )
    ExpertSubject.objects.bulk_create(ExpertSubject(expert=expert, institution_subject=offer) for expert in experts)
    establishment = establishment_in(territory["lyon"])
    routing = route_need(subject=subject, establishment=establishment, explain=True)
    assert {expert.pk for expert in routing.kept} == {expert.pk for expert in experts}
    assert routing.excluded == []
    assert len(route_need(subject=subject, establishment=establishment).kept) == len(experts)


@pytest.mark.parametrize("count", [3, 30])
def test_constant_query_count_whatever_the_number_of_experts(territory, subject, count, django_assert_max_num_queries):
    institution = InstitutionFactory()
    MatchFilter.objects.create(institution=institution, min_staff=1)
    for index in range(count):
        expert = expert_for(
            subject,
            zones=[(ZoneType.DEPARTMENT, "69")],
            own_zones=[(ZoneType.COMMUNE, "69123")] if index % 2 else [],
            institution=institution,
        )
        MatchFilter.objects.create(expert=expert, excluded_naf_codes=["01"]).subjects.add(subject)
        absent(expert.users.get())
    establishment = Establishment.objects.select_related("company").get(pk=establishment_in(territory["lyon"]).pk)
    # One query: the place, the covering teams with their agents' absences and their filters.
    with django_assert_max_num_queries(1):
        assert len(route_need(subject=subject, establishment=establishment).kept) == count
    # The same, then the teams of the region with their filters (every one is kept: nothing else to explain).
    with django_assert_max_num_queries(2):
        assert len(route_need(subject=subject, establishment=establishment, explain=True).kept) == count


def test_staff_band_of_the_establishment_first_else_the_company(territory, subject):
    expert = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")])
    MatchFilter.objects.create(institution=expert.antenne.institution, max_staff=9)
    big_company_small_shop = establishment_in(territory["lyon"], {"staff_size_code": "02"}, staff_size_code="32")
    assert route_need(subject=subject, establishment=big_company_small_shop).kept == [expert]
    unknown_shop = establishment_in(territory["lyon"], {"staff_size_code": "NR"}, staff_size_code="01")
    assert route_need(subject=subject, establishment=unknown_shop).kept == [expert]
    big_shop = establishment_in(territory["lyon"], {"staff_size_code": "12"}, staff_size_code="01")
    assert route_need(subject=subject, establishment=big_shop).kept == []


@pytest.mark.parametrize(
    ("natures", "nafa_code", "kept"),
    [
        # Activity unknown: every chamber keeps the need, as the public service.
        ([], "", {"CCI", "CMA", "UNAPL", "Témoin"}),
        (["COMMERCIALE"], "", {"CCI", "Témoin"}),
        (["ARTISANALE"], "", {"CMA", "Témoin"}),
        (["LIBERALE_REGLEMENTEE"], "", {"UNAPL", "Témoin"}),
        (["ARTISANALE_REGLEMENTEE", "AGENT_COMMERCIAL"], "", {"CCI", "CMA", "Témoin"}),
        # Registered in the répertoire des métiers: the CMA too.
        (["COMMERCIALE"], "4520AB", {"CCI", "CMA", "Témoin"}),
        (["INDEPENDANTE"], "", {"CCI", "CMA", "UNAPL", "Témoin"}),
        (["ACTIF_AGRICOLE"], "", {"Témoin"}),
    ],
)
def test_chambers_keep_the_companies_their_activity_concerns(territory, subject, natures, nafa_code, kept):
    for name, category in (("CCI", "cci"), ("CMA", "cma"), ("UNAPL", "unapl"), ("Témoin", "expert_provider")):
        expert_for(
            subject,
            zones=[(ZoneType.DEPARTMENT, "69")],
            institution=InstitutionFactory(name=name, categories=[category]),
        )
    establishment = establishment_in(territory["lyon"], {"nafa_code": nafa_code}, activity_natures=natures)
    routing = route_need(subject=subject, establishment=establishment, explain=True)
    assert {expert.antenne.institution.name for expert in routing.kept} == kept
    assert {exclusion.rule for exclusion in routing.excluded} <= {"chamber"}


def test_chamber_exclusion_is_explained(territory, subject):
    cma = expert_for(
        subject,
        zones=[(ZoneType.DEPARTMENT, "69")],
        institution=InstitutionFactory(name="CMA Auvergne-Rhône-Alpes", categories=["cma"]),
    )
    establishment = establishment_in(territory["lyon"], activity_natures=["LIBERALE_REGLEMENTEE"])
    exclusion = explain_expert(expert=cma, subject=subject, establishment=establishment)
    assert (exclusion.rule, exclusion.reason) == (
        "chamber",
        "Chambre : CMA Auvergne-Rhône-Alpes sert les artisans ; l’activité de l’entreprise est libérale réglementée.",
    )


def opco(name, siren, **fields):
    return InstitutionFactory(name=name, siren=siren, categories=["opco"], **fields)


def test_only_the_company_own_opco_receives_the_need(territory, subject):
    akto = expert_for(subject, zones=[(ZoneType.REGION, "84")], institution=opco("OPCO Akto", "853000982"))
    atlas = expert_for(subject, zones=[(ZoneType.REGION, "84")], institution=opco("OPCO Atlas", "851296632"))
    other = expert_for(subject, zones=[(ZoneType.REGION, "84")])
    # IDCC 1486 (bureaux d'études techniques, Syntec) belongs to Atlas; the establishment's agreements come first.
    syntec = establishment_in(territory["lyon"], {"idcc_codes": ["1486"]}, idcc_codes=["1979"])
    assert set(route_need(subject=subject, establishment=syntec).kept) == {atlas, other}
    exclusion = explain_expert(expert=akto, subject=subject, establishment=syntec)
    assert (exclusion.rule, exclusion.reason) == (
        "opco",
        "OPCO : l’entreprise relève de OPCO Atlas (conventions collectives 1486).",
    )
    # The company's agreements when the establishment's are unknown; "0016" is IDCC 16.
    hotel = establishment_in(territory["lyon"], idcc_codes=["1979"])
    assert set(route_need(subject=subject, establishment=hotel).kept) == {akto, other}
    # No known agreement: no OPCO at all, as the public service.
    unknown = establishment_in(territory["lyon"])
    assert route_need(subject=subject, establishment=unknown).kept == [other]
    assert explain_expert(expert=atlas, subject=subject, establishment=unknown).reason == (
        "OPCO : aucune convention collective connue pour l’entreprise, son OPCO est inconnu."
    )


def test_mayotte_needs_go_to_opco_akto_mayotte(subject):
    mayotte = CommuneFactory(
        insee_code="97611",
        name="Mamoudzou",
        department=DepartmentFactory(insee_code="976", name="Mayotte", region=RegionFactory(insee_code="06")),
    )
    atlas = expert_for(subject, level=TerritorialLevel.NATIONAL, institution=opco("OPCO Atlas", "851296632"))
    local = expert_for(
        subject,
        zones=[(ZoneType.DEPARTMENT, "976")],
        institution=opco("OPCO Akto Mayotte", "853000982", slug="opco-akto-mayotte"),
    )
    establishment = establishment_in(mayotte, idcc_codes=["1486"])
    assert route_need(subject=subject, establishment=establishment).kept == [local]
    assert explain_expert(expert=atlas, subject=subject, establishment=establishment).rule == "opco"


def test_institution_filter_on_the_answers_to_the_subject_questions(territory, subject):
    question = SubjectQuestionFactory(subject=subject, label="Avez-vous déjà un candidat ?")
    bank = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")], name="Banque")
    other = expert_for(subject, zones=[(ZoneType.DEPARTMENT, "69")], name="Autre")
    SubjectAnswerFilter.objects.create(institution=bank.antenne.institution, question=question, answer=True)
    establishment = establishment_in(territory["lyon"])
    assert route_need(subject=subject, establishment=establishment, answers={question.pk: False}).kept == [other]
    assert set(route_need(subject=subject, establishment=establishment, answers={question.pk: True}).kept) == {
        bank,
        other,
    }
    # Unanswered, the question filters nothing.
    assert set(route_need(subject=subject, establishment=establishment).kept) == {bank, other}
    exclusion = explain_expert(expert=bank, subject=subject, establishment=establishment, answers={question.pk: False})
    assert (exclusion.rule, exclusion.reason) == (
        "answers",
        "Réponses : l’institution ne reçoit ce sujet que si l’entreprise répond « oui » à « Avez-vous déjà un "
        "candidat ? ».",
    )
