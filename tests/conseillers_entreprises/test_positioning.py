import itertools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from relais.conseillers_entreprises.enums import MatchStatus, NeedStatus
from relais.conseillers_entreprises.models import MatchStatusChange
from relais.conseillers_entreprises.services import close, need_status_from, refuse, reopen, take_charge
from relais.conseillers_entreprises.services.positioning import ALLOWED_TRANSITIONS

pytestmark = pytest.mark.django_db

# Exactly /work/shared/data/match_transitions.csv of the public service.
ALLOWED = {
    ("quo", "not_for_me"),
    ("quo", "taking_care"),
    ("not_for_me", "quo"),
    ("taking_care", "done"),
    ("taking_care", "done_no_help"),
    ("taking_care", "done_not_reachable"),
    ("taking_care", "quo"),
    ("done", "quo"),
    ("done_no_help", "quo"),
    ("done_not_reachable", "quo"),
}
ALL_PAIRS = [(a, b) for a, b in itertools.product(MatchStatus.values, repeat=2) if a != b]


def agent(match):
    return match.expert.users.get()


def move(match, to_status):
    """Put a match in a status through the workflow, as an expert would."""
    author = agent(match)
    path = {
        "quo": [],
        "taking_care": [take_charge],
        "not_for_me": [refuse],
        "done": [take_charge, "done"],
        "done_no_help": [take_charge, "done_no_help"],
        "done_not_reachable": [take_charge, "done_not_reachable"],
    }[to_status]
    for step in path:
        if isinstance(step, str):
            close(match=match, actor=author, outcome=step)
        else:
            step(match=match, actor=author)


def apply(match, to_status):
    author = agent(match)
    if to_status == "taking_care":
        return take_charge(match=match, actor=author)
    if to_status == "not_for_me":
        return refuse(match=match, actor=author, reason="Hors de notre champ")
    if to_status == "quo":
        return reopen(match=match, actor=author)
    return close(match=match, actor=author, outcome=to_status)


def test_allowed_transitions_are_those_of_the_public_service():
    assert {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_transition_matrix(matches, from_status, to_status):
    match = matches[0]
    move(match, from_status)
    before = MatchStatusChange.objects.count()
    if (from_status, to_status) in ALLOWED:
        apply(match, to_status)
        match.refresh_from_db()
        assert match.status == to_status
        change = MatchStatusChange.objects.order_by("pk").last()
        assert (change.match, change.from_status, change.to_status, change.author) == (
            match,
            from_status,
            to_status,
            agent(match),
        )
        assert MatchStatusChange.objects.count() == before + 1
    else:
        with pytest.raises(ValidationError, match="ne peut pas passer de"):
            apply(match, to_status)
        match.refresh_from_db()
        assert match.status == from_status
        assert MatchStatusChange.objects.count() == before


def test_close_requires_a_closing_outcome(matches):
    take_charge(match=matches[0], actor=agent(matches[0]))
    with pytest.raises(ValidationError, match="issue"):
        close(match=matches[0], actor=agent(matches[0]), outcome=MatchStatus.QUO)


def test_timestamps_and_refusal_reason(matches):
    match = matches[0]
    take_charge(match=match, actor=agent(match))
    assert match.taken_care_of_at is not None and match.closed_at is None
    close(match=match, actor=agent(match), outcome=MatchStatus.DONE)
    assert match.closed_at is not None
    reopen(match=match, actor=agent(match))
    assert match.taken_care_of_at is None and match.closed_at is None
    refuse(match=matches[1], actor=agent(matches[1]), reason="  Hors de notre champ ")
    assert MatchStatusChange.objects.get(to_status=MatchStatus.NOT_FOR_ME).reason == "Hors de notre champ"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], NeedStatus.QUO),
        (["quo", "quo"], NeedStatus.QUO),
        (["quo", "not_for_me"], NeedStatus.QUO),
        (["not_for_me", "not_for_me"], NeedStatus.NOT_FOR_ME),
        (["not_for_me", "taking_care"], NeedStatus.TAKING_CARE),
        (["taking_care", "done_not_reachable"], NeedStatus.DONE_NOT_REACHABLE),
        (["done_not_reachable", "done_no_help"], NeedStatus.DONE_NO_HELP),
        (["done_no_help", "done", "taking_care"], NeedStatus.DONE),
        (["done", "not_for_me"], NeedStatus.DONE),
    ],
)
def test_need_status_precedence(statuses, expected):
    assert need_status_from(statuses) == expected


def test_need_status_follows_its_matches(need, matches):
    refuse(match=matches[0], actor=agent(matches[0]))
    need.refresh_from_db()
    assert need.status == NeedStatus.QUO
    refuse(match=matches[1], actor=agent(matches[1]))
    need.refresh_from_db()
    assert need.status == NeedStatus.NOT_FOR_ME
    reopen(match=matches[1], actor=agent(matches[1]))
    take_charge(match=matches[1], actor=agent(matches[1]))
    need.refresh_from_db()
    assert need.status == NeedStatus.TAKING_CARE
    close(match=matches[1], actor=agent(matches[1]), outcome=MatchStatus.DONE_NO_HELP)
    need.refresh_from_db()
    assert need.status == NeedStatus.DONE_NO_HELP


def test_company_told_once_when_two_experts_take_charge(need, matches, support, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        take_charge(match=matches[0], actor=agent(matches[0]))
        take_charge(match=matches[1], actor=agent(matches[1]))
        reopen(match=matches[1], actor=agent(matches[1]))
        take_charge(match=matches[1], actor=agent(matches[1]))
    to_company = [message for message in mail.outbox if message.to == ["camille.rivoire@soierie.fr"]]
    assert [message.subject for message in to_company] == [
        "Prise en charge de votre demande « Recruter un ou plusieurs salariés »"
    ]
    assert matches[0].expert.name in to_company[0].body
    to_advisor = [message for message in mail.outbox if message.to == [support.email]]
    assert [message.subject for message in to_advisor] == [
        f"{matches[0].expert.name} prend en charge le besoin de ATELIER SOIERIE CROIX-ROUSSE",
        f"{matches[1].expert.name} prend en charge le besoin de ATELIER SOIERIE CROIX-ROUSSE",
        f"{matches[1].expert.name} prend en charge le besoin de ATELIER SOIERIE CROIX-ROUSSE",
    ]
    assert f"/besoins/{need.public_id}/" in to_advisor[0].body


def test_unreachable_company_and_advisor_told_on_close(need, matches, support, django_capture_on_commit_callbacks):
    match = matches[0]
    take_charge(match=match, actor=agent(match))
    with django_capture_on_commit_callbacks(execute=True):
        close(match=match, actor=agent(match), outcome=MatchStatus.DONE_NOT_REACHABLE)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"camille.rivoire@soierie.fr", support.email}
    assert (
        by_recipient["camille.rivoire@soierie.fr"].subject
        == "Appel manqué pour votre demande « Recruter un ou plusieurs salariés »"
    )
    assert match.expert.email in by_recipient["camille.rivoire@soierie.fr"].body
    advisor_email = by_recipient[support.email]
    assert advisor_email.subject == f"{match.expert.name} a clôturé le besoin de ATELIER SOIERIE CROIX-ROUSSE"
    assert "Entreprise non joignable" in advisor_email.body


def test_closing_with_help_tells_only_the_advisor(matches, support, django_capture_on_commit_callbacks):
    take_charge(match=matches[0], actor=agent(matches[0]))
    with django_capture_on_commit_callbacks(execute=True):
        close(match=matches[0], actor=agent(matches[0]), outcome=MatchStatus.DONE)
    assert [message.to for message in mail.outbox] == [[support.email]]


def test_refusal_and_reopening_send_nothing(matches, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refuse(match=matches[0], actor=agent(matches[0]))
        reopen(match=matches[0], actor=agent(matches[0]))
    assert mail.outbox == []
