"""Applying the retention registry: each rule in batches of primary keys, one short transaction per batch.

The selection of a batch runs outside any transaction, over a window of consecutive primary keys; only the change
of that batch holds locks, and only for its own rows. A rule's `due` queryset never returns a row already dealt
with, so a run that stops half-way (a crash, a deployment) loses nothing: the next run starts again from what is
left.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet
from django.utils import timezone

from ..enums import AuditAction, RetentionAction
from ..models import RetentionRun, RetentionWarning
from ..registry import RetentionRule, registry
from .audit import record


class UnknownRule(Exception):
    pass


@dataclass
class RuleOutcome:
    rule: RetentionRule
    wet_run: bool
    cutoff: datetime
    due: int = 0
    oldest: datetime | None = None
    to_warn: int = 0
    processed: int = 0
    warned: int = 0
    batches: int = 0
    longest_transaction_ms: int = 0


def rules(name: str | None = None) -> list[RetentionRule]:
    if name is None:
        return list(registry.rules.values())
    if name not in registry.rules:
        raise UnknownRule(name)
    return [registry.rules[name]]


def _warned(rule: RetentionRule, *, until: datetime | None = None) -> Exists:
    """A warning of this rule sent after the row's starting event (and before `until`): a use since the warning
    makes it void."""
    warnings = RetentionWarning.objects.filter(
        rule=rule.name, object_id=OuterRef("pk"), warned_at__gte=OuterRef(rule.date_field)
    )
    if until is not None:
        warnings = warnings.filter(warned_at__lte=until)
    return Exists(warnings)


def acting_queryset(rule: RetentionRule, now: datetime) -> QuerySet:
    """The rows the rule changes now: past their period and, for a rule that warns first, warned long enough ago."""
    due = rule.due(rule.duration.before(now))
    if rule.action == RetentionAction.DEACTIVATE_THEN_DELETE:
        due = due.filter(_warned(rule, until=rule.warning.before(now)))
    return due


def warning_queryset(rule: RetentionRule, now: datetime) -> QuerySet | None:
    """The rows to warn now: within `warning` of the end of their period and not yet warned since their last use."""
    if rule.action != RetentionAction.DEACTIVATE_THEN_DELETE:
        return None
    # Warned once the end of the period (start + duration) is within `warning` of now.
    warn_cutoff = rule.duration.before(rule.warning.after(now))
    return rule.due(warn_cutoff).exclude(_warned(rule))


def _batches(queryset: QuerySet, size: int):
    """Primary keys of `queryset`, window after window of `size` consecutive keys of its table, each selected afresh
    outside any transaction. A window bounds the rows the database examines: the rule's tests run as index probes
    for those rows only, instead of hashing whole tables to find the next batch."""
    bounds = queryset.model._default_manager.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    low = bounds["low"]
    while low <= bounds["high"]:
        ids = list(queryset.filter(pk__gte=low, pk__lt=low + size).order_by("pk").values_list("pk", flat=True))
        if ids:
            yield ids
        low += size


def _timed_transaction(outcome: RuleOutcome, work: Callable[[], object]) -> None:
    started = time.monotonic()
    with transaction.atomic():
        work()
    outcome.batches += 1
    outcome.longest_transaction_ms = max(outcome.longest_transaction_ms, int((time.monotonic() - started) * 1000))


def _delete(model, ids: list[int]) -> None:
    model._default_manager.filter(pk__in=ids).delete()


def apply_rule(
    rule: RetentionRule, *, wet_run: bool, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> RuleOutcome:
    """Count what `rule` concerns; with `wet_run`, warn and act in batches, and record the run."""
    now = now or timezone.now()
    acting = acting_queryset(rule, now)
    to_warn = warning_queryset(rule, now)
    outcome = RuleOutcome(rule=rule, wet_run=wet_run, cutoff=rule.duration.before(now))
    counted = acting.aggregate(due=Count("pk"), oldest=Min(rule.date_field))
    outcome.due, outcome.oldest = counted["due"], counted["oldest"]
    outcome.to_warn = to_warn.count() if to_warn is not None else 0
    if not wet_run:
        return outcome
    run = RetentionRun.objects.create(
        rule=rule.name, started_at=now, cutoff=outcome.cutoff, due=outcome.due, oldest=outcome.oldest
    )
    try:
        _act(rule, outcome, acting, to_warn, now=now, progress=progress)
    except Exception as error:
        _finish(run, outcome, error=repr(error))
        raise
    _finish(run, outcome)
    if outcome.processed or outcome.warned:
        record(
            action=AuditAction.RETENTION_APPLIED,
            target_label=rule.data,
            details={"règle": rule.name, "traitées": outcome.processed, "averties": outcome.warned},
        )
    return outcome


def _act(rule, outcome, acting, to_warn, *, now, progress) -> None:
    model = acting.model
    if to_warn is not None:
        deadline = rule.warning.after(now)
        for ids in _batches(to_warn, rule.batch_size):

            def warn(ids=ids):
                rule.warn(model._default_manager.filter(pk__in=ids), deadline)
                RetentionWarning.objects.bulk_create(
                    RetentionWarning(rule=rule.name, object_id=pk, warned_at=now, deadline=deadline) for pk in ids
                )

            _timed_transaction(outcome, warn)
            outcome.warned += len(ids)
    for ids in _batches(acting, rule.batch_size):
        _timed_transaction(outcome, lambda ids=ids: rule.apply(ids) if rule.apply else _delete(model, ids))
        outcome.processed += len(ids)
        if progress:
            progress(len(ids))


def _finish(run: RetentionRun, outcome: RuleOutcome, *, error: str = "") -> None:
    RetentionRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        processed=outcome.processed,
        warned=outcome.warned,
        batches=outcome.batches,
        longest_transaction_ms=outcome.longest_transaction_ms,
        error=error,
    )
