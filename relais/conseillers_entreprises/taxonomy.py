"""The public taxonomy shipped with the code: themes and subjects (data/subjects.csv), their additional yes/no
questions (data/questions.csv) and the landings, the service's own and its partners' (data/landings.csv).

Every import is idempotent: rows are matched by slug (or subject and key) and only changed values are written.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Landing, Subject, SubjectQuestion, Theme

DATA_DIR = Path(__file__).resolve().parent / "data"
SUBJECTS_CSV = DATA_DIR / "subjects.csv"
QUESTIONS_CSV = DATA_DIR / "questions.csv"
LANDINGS_CSV = DATA_DIR / "landings.csv"
HOME_LANDING_SLUG = "accueil"
OTHER_NEED_SLUG = "autre-demande"


@dataclass(frozen=True)
class TaxonomyImport:
    themes_created: int
    subjects_created: int
    subjects_updated: int
    questions_created: int = 0
    landings_created: int = 0


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@transaction.atomic
def import_taxonomy(
    path: Path = SUBJECTS_CSV, *, questions_path: Path = QUESTIONS_CSV, landings_path: Path = LANDINGS_CSV
) -> TaxonomyImport:
    """Create or update themes, subjects, questions and landings; an admin's edits are overwritten only on change."""
    rows = _read(path)
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
    return TaxonomyImport(
        themes_created,
        subjects_created,
        subjects_updated,
        questions_created=_import_questions(questions_path),
        landings_created=_import_landings(landings_path),
    )


def _import_questions(path: Path) -> int:
    subjects = {subject.slug: subject for subject in Subject.objects.all()}
    positions: dict[str, int] = {}
    created_count = 0
    for row in _read(path):
        slug = row["subject_slug"]
        positions[slug] = positions.get(slug, 0) + 1
        _, created = SubjectQuestion.objects.update_or_create(
            subject=subjects[slug], key=row["key"], defaults={"label": row["label"], "position": positions[slug]}
        )
        created_count += created
    return created_count


def _import_landings(path: Path) -> int:
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    created_count = 0
    for row in _read(path):
        landing, created = Landing.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "partner_name": row["partner_name"],
                "partner_url": row["partner_url"],
                "iframe_allowed": row["iframe_allowed"] == "true",
                "is_active": row["is_active"] == "true",
            },
        )
        landing.themes.set([themes[slug] for slug in row["themes"].split()])
        created_count += created
    return created_count
