"""Every page of each party in every status its structure, candidate or match can be in: never an error page.

A structure's list once broke (a 500) for a structure confirmed but not validated yet, which no test visited: these
walk each status, with candidates listed, acted on and recruited around it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import User
from relais.conseiller_numerique import matching, services
from relais.conseiller_numerique.enums import AgentKind, CandidateStatus, MatchStatus, StructureStatus
from relais.conseiller_numerique.models import Agent, RecruitmentMatch
from tests.conseiller_numerique import factories as f

pytestmark = pytest.mark.django_db

LYON = (45.7578, 4.8320)
FILTERS = "situation=employed&diploma=oui&pix=2&distance=5&available_by=2030-01-01"
LIST_TABS = ["", f"?{FILTERS}"] + [f"?statut={status}&{FILTERS}" for status in MatchStatus.values]


def _user(email: str) -> User:
    return User.objects.create_user(email=email, password=None)


@pytest.mark.parametrize("status", [status for status in StructureStatus.values if status != "unconfirmed"])
def test_the_structure_and_the_agents_reach_every_page_in_every_status(client, catalogue, status):
    place = f.commune(*LYON)
    structure = f.structure(place, posts_granted=2)
    member = _user("recrute@structure.fr")
    services.grant_structure_access(structure=structure, user=member, actor=None)
    listed = f.candidate(f.commune(LYON[0] + 0.01, LYON[1]), radius=40)
    acted = {
        match_status: f.candidate(f.commune(LYON[0] + 0.02 + index / 100, LYON[1]), radius=40)
        for index, match_status in enumerate(MatchStatus.values)
    }
    for match_status, candidate in acted.items():
        RecruitmentMatch.objects.create(
            candidate=candidate,
            structure=structure,
            status=match_status,
            contract_type="cdi" if match_status in ("validated", "recruited", "ruptured") else "",
            contract_start=timezone.localdate() if match_status in ("validated", "recruited", "ruptured") else None,
            recruited_at=timezone.now() if match_status in ("recruited", "ruptured") else None,
        )
    acted["recruited"].status = CandidateStatus.RECRUITED
    acted["recruited"].save(update_fields=["status"])
    matching.rebuild_pairs()
    structure.status = status
    structure.save(update_fields=["status"])

    client.force_login(member)
    base = reverse("conseiller_numerique:structure_matches", args=[structure.public_id])
    pages = [base + tab for tab in LIST_TABS] + [
        reverse("conseiller_numerique:my_structures"),
        reverse("conseiller_numerique:structure_mission", args=[structure.public_id]),
        reverse("conseiller_numerique:structure_advisors", args=[structure.public_id]),
    ]
    for candidate in (listed, *acted.values()):
        args = [structure.public_id, candidate.public_id]
        pages.append(reverse("conseiller_numerique:structure_candidate", args=args))
    for url in pages:
        response = client.get(url)
        # A candidate no longer listed (the structure not validated) may be a 404; never an error.
        assert response.status_code in (200, 404), (url, response.status_code)
    page = client.get(base)
    assert page.status_code == 200
    # The breadcrumb leads back to the person's structures.
    assert f'href="{reverse("conseiller_numerique:my_structures")}">Mes structures</a>' in page.content.decode()

    for kind, department in ((AgentKind.PREFECTURE, place.department), (AgentKind.NATIONAL, None)):
        agent = _user(f"{kind}@gouv.fr")
        Agent.objects.create(user=agent, kind=kind, department=department)
        client.force_login(agent)
        for name, args in (
            ("agent_structures", []),
            ("agent_structure", [structure.public_id]),
            ("agent_dashboard", []),
            ("agent_dashboard_export", ["csv"]),
            ("agent_dashboard_export", ["xlsx"]),
        ):
            url = reverse(f"conseiller_numerique:{name}", args=args)
            assert client.get(url).status_code == 200, url
        assert client.get(reverse("conseiller_numerique:agent_structures"), {"statut": status}).status_code == 200


@pytest.mark.parametrize("status", [status for status in CandidateStatus.values if status != "unconfirmed"])
@pytest.mark.parametrize("with_pix", [False, True])
def test_the_candidate_reaches_every_page_of_their_space_in_every_status(client, catalogue, status, with_pix):
    place = f.commune(*LYON)
    person = _user("candidate@exemple.fr")
    pix = {"pix_level": 2, "pix_shared": True, "pix_date": timezone.localdate()} if with_pix else {}
    candidate = f.candidate(place, user=person, email="candidate@exemple.fr", status=status, **pix)
    if status == CandidateStatus.RECRUITED:
        structure = f.structure(place)
        RecruitmentMatch.objects.create(
            candidate=candidate,
            structure=structure,
            status=MatchStatus.RECRUITED,
            contract_type="cdi",
            contract_start=timezone.localdate() - datetime.timedelta(days=3),
            recruited_at=timezone.now(),
        )
    client.force_login(person)
    for name in ("candidate_space", "candidate_withdraw", "candidate_cv"):
        url = reverse(f"conseiller_numerique:{name}")
        assert client.get(url).status_code in (200, 302, 404), url
    space = client.get(reverse("conseiller_numerique:candidate_space"))
    assert space.status_code == 200
    # In post, the advisor cannot withdraw (the structure first declares the contract's end): not offered.
    assert ("Retirer ma candidature" in space.content.decode()) == (status != CandidateStatus.RECRUITED)
    advisor = client.get(reverse("conseiller_numerique:advisor_space"))
    assert advisor.status_code == (200 if status == CandidateStatus.RECRUITED else 403)
    if status == CandidateStatus.RECRUITED:
        assert client.get(reverse("conseiller_numerique:place_create")).status_code == 200
