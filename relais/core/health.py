"""Health checks, read by /sante/ (load balancers, monitoring) and exported as Prometheus gauges.

A check answers a `Check`: its status and a few numbers (counts, ages in seconds). "error" makes the platform not
ready (HTTP 503); "warning" is reported but keeps it ready (Redis down: the site serves, with per-process limits).
Apps above core plug their own checks in with `register` (notifications: the email outbox), so that core names
none of their models. No check reveals a version, a host name or a person.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone

OK, WARNING, ERROR = "ok", "warning", "error"


@dataclass(frozen=True)
class Check:
    status: str
    values: dict[str, float] = field(default_factory=dict)
    message: str = ""

    def as_json(self) -> dict:
        return {"status": self.status, **self.values, **({"message": self.message} if self.message else {})}


# name → (check, part of the instance's own readiness)
_CHECKS: dict[str, tuple[Callable[[datetime], Check], bool]] = {}


def register(name: str, check: Callable[[datetime], Check], *, instance: bool = False) -> None:
    """Add a check; `instance=True` when a failure means this web process cannot serve (the database)."""
    _CHECKS[name] = (check, instance)


def run_checks(*, instance_only: bool = False, now: datetime | None = None) -> dict[str, Check]:
    now = now or timezone.now()
    results = {}
    for name, (check, instance) in _CHECKS.items():
        if instance_only and not instance:
            continue
        try:
            results[name] = check(now)
        except DatabaseError:
            results[name] = Check(ERROR, message="base de données injoignable")
    return results


def age_seconds(now: datetime, moment: datetime | None) -> float:
    return round((now - moment).total_seconds(), 1) if moment else 0.0


def check_database(now: datetime) -> Check:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return Check(OK, {"duration_ms": round((time.perf_counter() - started) * 1000, 1)})


def check_cache(now: datetime) -> Check:
    key = "core:health"
    cache.set(key, now.timestamp(), 60)
    if cache.get(key) != now.timestamp():
        return Check(ERROR, message="le cache ne rend pas ce qu'on y met")
    if getattr(cache, "degraded", False):
        return Check(WARNING, {"shared": 0}, "Redis injoignable : limites comptées par processus")
    shared = settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
    return Check(OK, {"shared": int(shared)})


def check_tasks(now: datetime) -> Check:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if settings.TASK_BACKEND != "database":
        return Check(OK, message="tâches exécutées sur place")
    counts = dict(
        DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .values_list("status")
        .annotate(count=Count("id"))
    )
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
    values = {
        "ready": counts.get(TaskResultStatus.READY, 0),
        "running": counts.get(TaskResultStatus.RUNNING, 0),
        "oldest_ready_age_seconds": age_seconds(now, oldest),
    }
    if values["oldest_ready_age_seconds"] > settings.HEALTH_TASK_MAX_AGE:
        return Check(ERROR, values, "des tâches attendent : aucun travailleur (db_worker) ne les prend")
    return Check(OK, values)


def check_scheduler(now: datetime) -> Check:
    from .models import JobRun, SchedulerHeartbeat

    last = SchedulerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    failed = JobRun.objects.filter(slot__gte=now - timedelta(days=1), succeeded=False).count()
    values = {"heartbeat_age_seconds": age_seconds(now, last), "failed_runs_24h": failed}
    if last is None or values["heartbeat_age_seconds"] > settings.HEALTH_SCHEDULER_MAX_AGE:
        return Check(ERROR, values, "aucun planificateur (run_scheduler) ne signale sa présence")
    if failed:
        return Check(WARNING, values, "des tâches périodiques ont échoué depuis 24 h")
    return Check(OK, values)


register("database", check_database, instance=True)
register("cache", check_cache, instance=True)
register("tasks", check_tasks)
register("scheduler", check_scheduler)
