"""The core pages of the permission matrix: a running scheduler, so that the readiness check answers 200."""

from django.utils import timezone

from relais.core.models import SchedulerHeartbeat


def targets(world) -> dict[str, dict]:
    SchedulerHeartbeat.objects.create(instance="matrice", beat_at=timezone.now())
    return {}
