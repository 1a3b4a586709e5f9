"""Every status change, allowed and forbidden, through the one service that makes them."""

import pytest

from relais.francenum import directory
from relais.francenum.enums import TRANSITIONS, EventKind, Status
from relais.francenum.models import ActivatorEvent
from relais.francenum.services.transitions import TransitionError, change_status
from tests.francenum import factories

pytestmark = pytest.mark.django_db

PAIRS = [(source, target) for source in Status for target in Status if source != target]


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_each_transition_is_allowed_or_refused_as_declared(source, target, reviewer):
    structure = factories.activator(status=source)
    if target in TRANSITIONS[source]:
        change_status(activator=structure, to_status=target, actor=reviewer, kind=EventKind.VALIDATED)
        assert structure.status == target
        event = ActivatorEvent.objects.get(activator=structure)
        assert (event.from_status, event.to_status, event.actor) == (source, target, reviewer)
    else:
        with pytest.raises(TransitionError, match="Impossible de passer"):
            change_status(activator=structure, to_status=target, actor=reviewer, kind=EventKind.VALIDATED)
        structure.refresh_from_db()
        assert structure.status == source
        assert not ActivatorEvent.objects.filter(activator=structure).exists()


def test_refused_and_cancelled_are_final():
    assert TRANSITIONS[Status.REFUSED] == TRANSITIONS[Status.CANCELLED] == frozenset()


def test_only_a_published_structure_is_searchable(reviewer):
    def found() -> list[str]:
        return [result.activator.name for result in directory.search(directory.Filters(text="zephyr")).results]

    structure = factories.activator(status=Status.SUBMITTED, name="Agence Numérique Zéphyr")
    assert found() == []
    change_status(activator=structure, to_status=Status.VALIDATED, actor=reviewer, kind=EventKind.VALIDATED)
    assert found() == ["Agence Numérique Zéphyr"]
    change_status(activator=structure, to_status=Status.SUSPENDED, actor=reviewer, kind=EventKind.SUSPENDED)
    assert found() == []
