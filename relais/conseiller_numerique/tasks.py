"""Background work: a candidate's or a structure's pairs recomputed after each change."""

from django.db import transaction
from django_tasks import task

from . import matching


@task()
def recompute_candidate(candidate_id: int) -> int:
    return matching.update_candidate_pairs(candidate_id)


@task()
def recompute_structure(structure_id: int) -> int:
    return matching.update_structure_pairs(structure_id)


def candidate_changed(candidate_id: int) -> None:
    transaction.on_commit(lambda: recompute_candidate.enqueue(candidate_id))


def structure_changed(structure_id: int) -> None:
    transaction.on_commit(lambda: recompute_structure.enqueue(structure_id))
