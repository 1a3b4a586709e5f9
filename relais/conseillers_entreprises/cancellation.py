"""Cancellation reasons and their emails to the company, shipped with the code in data/cancellation_templates.csv."""

import csv
from pathlib import Path

from django.db import transaction

from .models import CancellationTemplate

CANCELLATION_TEMPLATES_CSV = Path(__file__).resolve().parent / "data" / "cancellation_templates.csv"


@transaction.atomic
def load_cancellation_templates(path: Path = CANCELLATION_TEMPLATES_CSV) -> int:
    """Create the missing templates; return how many were created.

    Existing rows are left alone: support edits the texts in the admin, and a new deployment must not undo that.
    """
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    existing = set(CancellationTemplate.objects.values_list("slug", flat=True))
    missing = [
        CancellationTemplate(
            slug=row["slug"],
            title=row["title"],
            email_subject=row["email_subject"],
            email_body=row["email_body"],
            position=position,
        )
        for position, row in enumerate(rows, start=1)
        if row["slug"] not in existing
    ]
    CancellationTemplate.objects.bulk_create(missing)
    return len(missing)
