"""The public taxonomy of themes and subjects, shipped with the code in data/subjects.csv."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Subject, Theme

SUBJECTS_CSV = Path(__file__).resolve().parent / "data" / "subjects.csv"
OTHER_NEED_SLUG = "autre-demande"


@dataclass(frozen=True)
class TaxonomyImport:
    themes_created: int
    subjects_created: int
    subjects_updated: int


@transaction.atomic
def import_taxonomy(path: Path = SUBJECTS_CSV) -> TaxonomyImport:
    """Create or update themes and subjects by slug; an admin's later edits are overwritten only on change."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    themes: dict[str, Theme] = {}
    themes_created = subjects_created = subjects_updated = 0
    theme_positions: dict[str, int] = {}
    subject_positions: dict[str, int] = {}
    for row in rows:
        theme_slug = row["theme_slug"]
        if theme_slug not in themes:
            theme_positions[theme_slug] = len(theme_positions) + 1
            theme, created = Theme.objects.update_or_create(
                slug=theme_slug,
                defaults={"label": row["theme_label"], "position": theme_positions[theme_slug]},
            )
            themes[theme_slug] = theme
            themes_created += created
        subject_positions[theme_slug] = subject_positions.get(theme_slug, 0) + 1
        values = {
            "theme": themes[theme_slug],
            "label": row["subject_label"],
            "description": row.get("description", ""),
            "guidance": row.get("guidance", ""),
            "position": subject_positions[theme_slug],
            "is_other_need": row["subject_slug"] == OTHER_NEED_SLUG,
        }
        subject = Subject.objects.filter(slug=row["subject_slug"]).first()
        if subject is None:
            Subject.objects.create(slug=row["subject_slug"], **values)
            subjects_created += 1
        elif any(getattr(subject, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(subject, field, value)
            subject.save()
            subjects_updated += 1
    return TaxonomyImport(themes_created, subjects_created, subjects_updated)
