"""The outbox's health check, plugged into /sante/ and the metrics by the app's `ready()`."""

from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min

from relais.core.health import ERROR, OK, WARNING, Check, age_seconds

from .enums import EmailStatus
from .models import Email


def check_outbox(now: datetime) -> Check:
    counts = dict(
        Email.objects.exclude(status=EmailStatus.SENT).values_list("status").annotate(count=Count("id")).order_by()
    )
    oldest_due = Email.objects.due(now).aggregate(oldest=Min("next_attempt_at"))["oldest"]
    values = {
        "pending": counts.get(EmailStatus.PENDING, 0),
        "sending": counts.get(EmailStatus.SENDING, 0),
        "failed": counts.get(EmailStatus.FAILED, 0),
        "oldest_due_age_seconds": age_seconds(now, oldest_due),
    }
    if values["oldest_due_age_seconds"] > settings.HEALTH_OUTBOX_MAX_AGE:
        return Check(ERROR, values, "des courriels dus ne partent pas (SMTP, travailleurs ou planificateur)")
    if values["failed"]:
        return Check(WARNING, values, "des courriels sont en échec définitif")
    return Check(OK, values)
