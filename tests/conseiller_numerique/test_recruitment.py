"""Structures' validation and recruitment: transitions, quota, emails, lists."""

import datetime
from decimal import Decimal
from functools import partial

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.conseiller_numerique import matching, services
from relais.conseiller_numerique.enums import (
    MATCH_TRANSITIONS,
    STRUCTURE_TRANSITIONS,
    AgentKind,
    CandidateStatus,
    MatchStatus,
    StructureStatus,
)
from relais.conseiller_numerique.models import Agent, Candidate, MatchPair, RecruitmentMatch, StructureDecision
from relais.conseiller_numerique.services import TransitionError
from tests.conseiller_numerique import factories as f
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db

LYON = (45.7578, 4.8320)
TODAY = timezone.localdate


def contract(**overrides) -> dict:
    values = {
        "contract_type": "cdd",
        "contract_start": TODAY() + datetime.timedelta(days=10),
        "contract_end": TODAY() + datetime.timedelta(days=400),
        "gross_salary": Decimal("1900.00"),
    }
    values.update(overrides)
    return values


@pytest.fixture
def actor(db):
    return User.objects.create_user(email="recrute@structure.fr", password=None)


def test_every_structure_transition_allowed_and_forbidden(actor):
    place = f.commune(*LYON)
    for start in StructureStatus:
        for target in StructureStatus:
            structure = f.structure(place, status=start, posts_granted=0)
            allowed = target in STRUCTURE_TRANSITIONS[start]
            if allowed:
                services.decide(actor=actor, structure=structure, status=target, posts_granted=2, comment="ok")
                structure.refresh_from_db()
                assert structure.status == target
                decision = StructureDecision.objects.filter(structure=structure).first()
                assert decision.author == actor and decision.to_status == target
            else:
                with pytest.raises(TransitionError):
                    services.decide(actor=actor, structure=structure, status=target, posts_granted=2)


def test_validation_needs_posts_and_emails_the_contact(actor, committed):
    structure = f.structure(f.commune(*LYON), status=StructureStatus.CREATED, posts_granted=0)
    with pytest.raises(TransitionError, match="postes accordés"):
        services.decide(actor=actor, structure=structure, status=StructureStatus.VALIDATED)
    with committed():
        services.decide(actor=actor, structure=structure, status=StructureStatus.VALIDATED, posts_granted=3)
    assert mail.outbox[-1].to == [structure.contact_email]
    assert mail.outbox[-1].subject == f"{structure.name} : validée"


def test_every_match_transition_allowed_and_forbidden(actor):
    place = f.commune(*LYON)
    structure = f.structure(place, posts_granted=100)
    for start in MatchStatus:
        for target in (MatchStatus.NEW, MatchStatus.PRESELECTED, MatchStatus.NOT_RETAINED):
            person = f.candidate(place)
            RecruitmentMatch.objects.create(candidate=person, structure=structure, status=start)
            if target in MATCH_TRANSITIONS[start]:
                services.change_status(actor=actor, structure=structure, candidate=person, status=target)
                assert RecruitmentMatch.objects.get(candidate=person).status == target
            else:
                with pytest.raises(TransitionError):
                    services.change_status(actor=actor, structure=structure, candidate=person, status=target)


def test_contract_rules(actor, committed):
    place = f.commune(*LYON)
    structure = f.structure(place)
    person = f.candidate(place)
    with pytest.raises(TransitionError):  # not preselected yet
        services.validate_candidacy(actor=actor, structure=structure, candidate=person, **contract())
    services.change_status(actor=actor, structure=structure, candidate=person, status=MatchStatus.PRESELECTED)
    with pytest.raises(TransitionError, match="SMIC"):
        services.validate_candidacy(
            actor=actor, structure=structure, candidate=person, **contract(gross_salary=Decimal("1000"))
        )
    with pytest.raises(TransitionError, match="fin du contrat"):
        services.validate_candidacy(actor=actor, structure=structure, candidate=person, **contract(contract_end=None))
    with committed():
        match = services.validate_candidacy(
            actor=actor, structure=structure, candidate=person, **contract(contract_type="cdi", contract_end=None)
        )
    assert match.status == MatchStatus.VALIDATED and match.contract_end is None
    assert mail.outbox[-1].to == [person.email]


def test_full_recruitment_up_to_the_quota_and_the_person_leaves_other_lists(actor, committed):
    place = f.commune(*LYON)
    structure = f.structure(place, posts_granted=1)
    other_structure = f.structure(place)
    first, second = f.candidate(place), f.candidate(place)
    matching.rebuild_pairs()
    services.change_status(actor=actor, structure=other_structure, candidate=first, status=MatchStatus.PRESELECTED)
    for person in (first, second):
        services.change_status(actor=actor, structure=structure, candidate=person, status=MatchStatus.PRESELECTED)
    services.validate_candidacy(actor=actor, structure=structure, candidate=first, **contract())
    with pytest.raises(TransitionError, match="pourvus"):
        services.validate_candidacy(actor=actor, structure=structure, candidate=second, **contract())
    with committed():
        services.recruit(actor=actor, structure=structure, candidate=first)
    first.refresh_from_db()
    assert first.status == CandidateStatus.RECRUITED
    assert mail.outbox[-1].subject == f"Vous êtes recruté(e) par {structure.name}"
    assert not RecruitmentMatch.objects.filter(structure=other_structure, candidate=first).exists()
    assert first not in Candidate.objects.matching_structure(other_structure, today=TODAY())
    assert not MatchPair.objects.filter(candidate=first).exists()

    match = RecruitmentMatch.objects.get(structure=structure, candidate=first)
    with pytest.raises(TransitionError, match="fin du contrat"):
        services.break_contract(
            actor=actor, match=match, date=match.contract_end + datetime.timedelta(days=1), reason="demission"
        )
    with committed():
        services.break_contract(
            actor=actor, match=match, date=match.contract_start + datetime.timedelta(days=5), reason="demission"
        )
    first.refresh_from_db()
    assert first.status == CandidateStatus.AVAILABLE
    assert first in Candidate.objects.matching_structure(other_structure, today=TODAY())
    # The post is free again.
    services.validate_candidacy(actor=actor, structure=structure, candidate=second, **contract())


def test_an_abandoned_structure_loses_its_open_matches_but_keeps_its_recruitments(actor, committed):
    place = f.commune(*LYON)
    structure = f.structure(place)
    open_one, hired = f.candidate(place), f.candidate(place)
    services.change_status(actor=actor, structure=structure, candidate=open_one, status=MatchStatus.PRESELECTED)
    RecruitmentMatch.objects.create(structure=structure, candidate=hired, status=MatchStatus.RECRUITED)
    matching.rebuild_pairs()
    with committed():
        services.decide(actor=actor, structure=structure, status=StructureStatus.ABANDONED)
    assert list(RecruitmentMatch.objects.filter(structure=structure).values_list("candidate", flat=True)) == [hired.pk]
    assert not MatchPair.objects.filter(structure=structure).exists()


def test_structure_pages_list_and_act(client, actor, catalogue, django_assert_max_num_queries):
    place = f.commune(*LYON)
    structure = f.structure(place)
    services.grant_structure_access(structure=structure, user=actor, actor=None)
    people = [
        f.candidate(f.commune(LYON[0] + i / 200, LYON[1]), radius=40, pix_level=2, pix_shared=True) for i in range(25)
    ]
    matching.rebuild_pairs()
    client.force_login(actor)
    url = reverse("conseiller_numerique:structure_matches", args=[structure.public_id])
    client.get(url)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    content = response.content.decode()
    assert people[0].full_name in content and "Accepte jusqu'à 40 km" in content
    names = [candidate.full_name for candidate in response.context["page"].object_list]
    assert names[:3] == [people[0].full_name, people[1].full_name, people[2].full_name]

    filtered = client.get(url, {"distance": "5"})
    assert all(candidate.distance <= 5 for candidate in filtered.context["page"].object_list)

    page = reverse("conseiller_numerique:structure_candidate", args=[structure.public_id, people[0].public_id])
    response = client.get(page)
    assert "Pourquoi ce candidat vous est proposé" in response.content.decode()
    client.post(
        reverse("conseiller_numerique:structure_candidate_status", args=[structure.public_id, people[0].public_id]),
        {"status": "preselected"},
    )
    assert RecruitmentMatch.objects.get(candidate=people[0]).status == MatchStatus.PRESELECTED
    response = client.get(url, {"statut": "preselected"})
    assert [c.pk for c in response.context["page"].object_list] == [people[0].pk]


def test_another_structure_cannot_see_a_candidate_not_listed_for_it(client, actor, catalogue):
    structure = f.structure(f.commune(*LYON))
    services.grant_structure_access(structure=structure, user=actor, actor=None)
    far = f.candidate(f.commune(48.85, 2.35), radius=20)
    matching.rebuild_pairs()
    client.force_login(actor)
    url = reverse("conseiller_numerique:structure_candidate", args=[structure.public_id, far.public_id])
    assert client.get(url).status_code == 404


def test_prefecture_opinion_in_its_departement_only_and_national_decision(client):
    rhone = f.structure(f.commune(*LYON, department_code="69"), status=StructureStatus.CREATED, posts_granted=0)
    loire = f.structure(f.commune(45.43, 4.39, department_code="42"), status=StructureStatus.CREATED)
    prefect = User.objects.create_user(email="pref@rhone.gouv.fr", password=None)
    Agent.objects.create(user=prefect, kind=AgentKind.PREFECTURE, department=rhone.department)
    client.force_login(prefect)
    opinion_url = reverse("conseiller_numerique:agent_opinion", args=[rhone.public_id])
    response = client.post(opinion_url, {"opinion": "favorable", "comment": "court"})
    assert "au moins 10 caractères" in response.content.decode()
    client.post(opinion_url, {"opinion": "favorable", "comment": "Projet solide et bien situé."})
    assert rhone.prefect_opinion.opinion == "favorable"
    assert client.get(reverse("conseiller_numerique:agent_structure", args=[loire.public_id])).status_code == 404
    assert client.post(reverse("conseiller_numerique:agent_decision", args=[rhone.public_id]), {}).status_code == 403

    national = User.objects.create_user(email="anct@anct.gouv.fr", password=None)
    Agent.objects.create(user=national, kind=AgentKind.NATIONAL)
    client.force_login(national)
    decision_url = reverse("conseiller_numerique:agent_decision", args=[rhone.public_id])
    response = client.post(decision_url, {"status": "validated"})
    assert "Indiquez le nombre de postes accordés." in response.content.decode()
    client.post(decision_url, {"status": "validated", "posts_granted": "2", "comment": "Accordé"})
    rhone.refresh_from_db()
    assert rhone.status == StructureStatus.VALIDATED and rhone.posts_granted == 2
    export = client.get(reverse("conseiller_numerique:agent_dashboard_export", args=["xlsx"]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    dashboard = client.get(reverse("conseiller_numerique:agent_dashboard"))
    assert "Structures par statut" in dashboard.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="les verrous de lignes demandent PostgreSQL")
def test_two_concurrent_recruitments_never_exceed_the_quota():
    actor = User.objects.create_user(email="recrute@structure.fr", password=None)
    place = f.commune(*LYON)
    structure = f.structure(place, posts_granted=1)
    people = [f.candidate(place), f.candidate(place)]
    for person in people:
        RecruitmentMatch.objects.create(structure=structure, candidate=person, status=MatchStatus.PRESELECTED)

    def attempt(person):
        try:
            services.validate_candidacy(actor=actor, structure=structure, candidate=person, **contract())
            return "ok"
        except TransitionError:
            return "refused"

    outcomes = run_at_once(*(partial(attempt, person) for person in people))
    assert sorted(outcomes) == ["ok", "refused"]
    assert RecruitmentMatch.objects.filter(structure=structure, status=MatchStatus.VALIDATED).count() == 1


def test_the_structure_moves_its_mission_and_its_list_follows(client, actor, catalogue, committed):
    lyon = f.commune(*LYON, postal_code="69001", name="Lyon")
    structure = f.structure(lyon, mission_start=TODAY() + datetime.timedelta(days=5))
    services.grant_structure_access(structure=structure, user=actor, actor=None)
    later = f.candidate(
        f.commune(LYON[0] + 0.3, LYON[1]), radius=10, available_from=TODAY() + datetime.timedelta(days=20)
    )
    matching.rebuild_pairs()
    assert later not in Candidate.objects.matching_structure(structure, today=TODAY())
    client.force_login(actor)
    url = reverse("conseiller_numerique:structure_mission", args=[structure.public_id])
    f.commune(LYON[0] + 0.3, LYON[1], postal_code="69400", name="Villefranche")
    with committed():
        response = client.post(
            url, {"mission_start": (TODAY() + datetime.timedelta(days=30)).isoformat(), "commune": "69400"}
        )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert later in Candidate.objects.matching_structure(structure, today=TODAY())


def test_the_structure_adds_a_place_for_its_advisor(client, actor, catalogue):
    lyon = f.commune(*LYON, postal_code="69001", name="Lyon")
    structure = f.structure(lyon)
    services.grant_structure_access(structure=structure, user=actor, actor=None)
    advisor = f.candidate(lyon, status=CandidateStatus.RECRUITED)
    RecruitmentMatch.objects.create(structure=structure, candidate=advisor, status=MatchStatus.RECRUITED)
    stranger = f.candidate(lyon)
    client.force_login(actor)
    url = reverse("conseiller_numerique:structure_place_create", args=[structure.public_id, advisor.public_id])
    data = {"name": "Médiathèque", "address": "1 place", "commune": "69001", "access": "libre"}
    assert client.post(url, data).status_code == 302
    assert advisor.places.get().name == "Médiathèque"
    other = reverse("conseiller_numerique:structure_place_create", args=[structure.public_id, stranger.public_id])
    assert client.get(other).status_code == 404
    page = client.get(reverse("conseiller_numerique:structure_advisors", args=[structure.public_id]))
    assert "Médiathèque" in page.content.decode()
