"""Import of the directory (institutions, antennes, expert teams, their agents, managers, zones, subjects and match
filters) from a CSV file, one row per team, in the format of services/directory_csv.py.

A row describes its team: the team's own zones become exactly `expert_zones` (empty: the team uses its antenne's
zones), the antenne's zones become `antenne_zones` when that cell is filled, a filled filters cell sets exactly the
filters of its owner, an "oui"/"non" activity cell activates or deactivates. Institution and antenne cells repeat on
each row of their teams: a row that contradicts an earlier one is reported and that cell is ignored.

Subjects, agents and antenne managers are only added, so that an import does not undo what support set by hand;
with `sync`, those the file does not list are removed (agents keep their account), and with `dry_run` the report
says what would be removed. Everything is matched by name (institution, antenne, team within its antenne) or by
email (people), so a second run of the same file changes nothing.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from tqdm import tqdm

from relais.core.exports import restore
from relais.core.phones import parse_phone

from ..models import (
    Antenne,
    Expert,
    ExpertSubject,
    Institution,
    InstitutionSubject,
    MatchFilter,
    Subject,
    TerritorialZone,
)
from .directory_csv import (
    LEVELS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    FilterSpec,
    Person,
    parse_active,
    parse_categories,
    parse_filters,
    parse_people,
    parse_siren,
    parse_zones,
    split_list,
)


class DirectoryFileError(Exception):
    """The file cannot be read at all (missing columns): nothing is imported."""


@dataclass
class DirectoryImport:
    rows: int = 0
    imported: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    # What `sync` removes (or would remove, with dry_run), in French, one line each.
    removals: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.removed)

    def merge(self, other: "DirectoryImport") -> None:
        self.created.update(other.created)
        self.updated.update(other.updated)
        self.removed.update(other.removed)
        self.removals.extend(other.removals)


@dataclass(frozen=True)
class _Row:
    line: int
    institution: str
    institution_siren: str
    institution_categories: list[str] | None
    institution_active: bool | None
    institution_filters: frozenset[FilterSpec] | None
    antenne: str
    level: str | None
    antenne_zones: frozenset[tuple[str, str]] | None
    antenne_active: bool | None
    antenne_managers: tuple[Person, ...] | None
    antenne_filters: frozenset[FilterSpec] | None
    expert: str
    email: str
    phone: str
    expert_zones: frozenset[tuple[str, str]]
    expert_active: bool | None
    expert_filters: frozenset[FilterSpec] | None
    subjects: tuple[Subject, ...]
    criteria: str
    agents: tuple[Person, ...]


def _parse(line: int, row: dict[str, str], subjects: dict[str, Subject], sync: bool) -> tuple[_Row | None, list[str]]:
    present = {key for key, value in row.items() if key}
    # Cells an export protected against formulas ("'+33…") are read back as they were.
    values = {key: restore((row.get(key) or "").strip()) for key in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    problems = [f"colonne « {column} » vide" for column in REQUIRED_COLUMNS if not values[column]]
    level = LEVELS.get(values["antenne_level"].lower())
    if level is None:
        problems.append(f"échelon « {values['antenne_level']} » inconnu (local, régional ou national)")
    siren = parse_siren(values["institution_siren"], problems)
    if values["expert_email"]:
        try:
            validate_email(values["expert_email"])
        except ValidationError:
            problems.append(f"adresse électronique de l’équipe invalide « {values['expert_email']} »")
    phone = _team_phone(values["expert_phone"], problems)

    def optional(column, parse):
        # An empty cell changes nothing, except for the lists that `sync` makes exact.
        if column not in present or (not values[column] and not sync):
            return None
        return parse(values[column])

    row_subjects = []
    for slug in split_list(values["subjects"]):
        if slug in subjects:
            row_subjects.append(subjects[slug])
        else:
            problems.append(f"sujet inconnu « {slug} »")
    parsed = _Row(
        line=line,
        institution=values["institution"],
        institution_siren=siren,
        institution_categories=optional("institution_categories", lambda value: parse_categories(value, problems)),
        institution_active=parse_active(values["institution_active"], "institution_active", problems),
        institution_filters=optional(
            "institution_filters", lambda value: parse_filters(value, "institution_filters", subjects, problems)
        ),
        antenne=values["antenne"],
        level=level,
        antenne_zones=(
            parse_zones(values["antenne_zones"], "antenne_zones", problems) if values["antenne_zones"] else None
        ),
        antenne_active=parse_active(values["antenne_active"], "antenne_active", problems),
        antenne_managers=optional("antenne_managers", lambda value: parse_people(value, "antenne_managers", problems)),
        antenne_filters=optional(
            "antenne_filters", lambda value: parse_filters(value, "antenne_filters", subjects, problems)
        ),
        expert=values["expert"],
        email=values["expert_email"].lower(),
        phone=phone,
        expert_zones=parse_zones(values["expert_zones"], "expert_zones", problems),
        expert_active=parse_active(values["expert_active"], "expert_active", problems),
        expert_filters=optional(
            "expert_filters", lambda value: parse_filters(value, "expert_filters", subjects, problems)
        ),
        subjects=tuple(row_subjects),
        criteria=values["criteria"],
        agents=parse_people(values["users"], "users", problems),
    )
    return (None, problems) if problems else (parsed, [])


def _team_phone(value: str, problems: list[str]) -> str:
    """E.164, or a French short service number as written ("3995")."""
    if not value:
        return ""
    try:
        return parse_phone(value)
    except ValidationError:
        compact = value.replace(" ", "")
        try:
            if phonenumbers.is_valid_short_number(phonenumbers.parse(compact, "FR")):
                return compact
        except phonenumbers.NumberParseException:
            pass
    problems.append(f"téléphone de l’équipe invalide « {value} »")
    return ""


class _SharedCells:
    """The institution and antenne cells of the rows already imported, to report the rows that contradict them."""

    INSTITUTION = ("institution_siren", "institution_categories", "institution_active", "institution_filters")
    ANTENNE = ("level", "antenne_zones", "antenne_active", "antenne_managers", "antenne_filters")

    def __init__(self):
        self.seen: dict[tuple, tuple[int, object]] = {}

    def conflicts(self, row: _Row) -> list[str]:
        problems = []
        for owner, names, label in (
            ((row.institution,), self.INSTITUTION, f"l’institution « {row.institution} »"),
            ((row.institution, row.antenne), self.ANTENNE, f"l’antenne « {row.antenne} »"),
        ):
            for name in names:
                value = getattr(row, name)
                if value in (None, ""):
                    continue
                key = (*owner, name)
                first = self.seen.setdefault(key, (row.line, value))
                if first[1] != value:
                    problems.append(f"{name} de {label} différent de la ligne {first[0]}")
        return problems


def _update(instance, values: dict, report: DirectoryImport, kind: str) -> None:
    changed = [name for name, value in values.items() if value is not None and getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        report.updated[kind] += 1


def _unique_institution_slug(name: str) -> str:
    base = slugify(name)[:90] or "institution"
    slug, suffix = base, 2
    while Institution.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def sync_zones(*, owner: Antenne | Expert, zones: frozenset[tuple[str, str]]) -> tuple[int, int]:
    """Make the owner's zones exactly `zones`; returns (created, deleted). Zones are saved one by one so that the
    signal keeps `Expert.has_own_zones` up to date."""
    owner_field = "expert" if isinstance(owner, Expert) else "antenne"
    existing = {(zone.zone_type, zone.code): zone for zone in TerritorialZone.objects.filter(**{owner_field: owner})}
    for key in existing.keys() - zones:
        existing[key].delete()
    for zone_type, code in sorted(zones - existing.keys()):
        TerritorialZone.objects.create(zone_type=zone_type, code=code, **{owner_field: owner})
    return len(zones - existing.keys()), len(existing.keys() - zones)


def filter_specs(owner_filters) -> frozenset[FilterSpec]:
    return frozenset(
        FilterSpec.of(match_filter, [subject.slug for subject in match_filter.subjects.all()])
        for match_filter in owner_filters
    )


def _sync_filters(owner: Institution | Antenne | Expert, specs: frozenset[FilterSpec] | None, report, subjects) -> None:
    if specs is None:
        return
    owner_field = {Institution: "institution", Antenne: "antenne", Expert: "expert"}[type(owner)]
    existing = MatchFilter.objects.filter(**{owner_field: owner}).prefetch_related("subjects")
    if filter_specs(existing) == specs:
        return
    existing.delete()
    for spec in specs:
        match_filter = MatchFilter.objects.create(**{owner_field: owner}, **spec.fields())
        match_filter.subjects.set(subjects[slug] for slug in spec.subjects)
    report.updated["filter"] += 1


def _user(person: Person, users: dict, report: DirectoryImport):
    user = users.get(person.email)
    if user is None:
        # Agents set their password through "mot de passe oublié": nobody knows an imported one.
        user = get_user_model().objects.create_user(
            email=person.email, password=None, first_name=person.first_name, last_name=person.last_name
        )
        users[person.email] = user
        report.created["user"] += 1
    return user


def _save(row: _Row, report: DirectoryImport, *, sync: bool, subjects: dict[str, Subject]) -> None:
    institution = Institution.objects.filter(name=row.institution).first()
    if institution is None:
        institution = Institution.objects.create(
            name=row.institution,
            slug=_unique_institution_slug(row.institution),
            siren=row.institution_siren,
            categories=row.institution_categories or [],
            is_active=row.institution_active is not False,
        )
        report.created["institution"] += 1
    else:
        _update(
            institution,
            {
                "siren": row.institution_siren or None,
                "categories": row.institution_categories,
                "is_active": row.institution_active,
            },
            report,
            "institution",
        )
    _sync_filters(institution, row.institution_filters, report, subjects)

    antenne, created = Antenne.objects.get_or_create(
        institution=institution,
        name=row.antenne,
        defaults={"territorial_level": row.level, "is_active": row.antenne_active is not False},
    )
    if created:
        report.created["antenne"] += 1
    else:
        _update(antenne, {"territorial_level": row.level, "is_active": row.antenne_active}, report, "antenne")
    if row.antenne_zones is not None:
        added, removed = sync_zones(owner=antenne, zones=row.antenne_zones)
        report.created["zone"] += added
        report.updated["zone"] += removed
    _sync_filters(antenne, row.antenne_filters, report, subjects)

    expert = Expert.objects.filter(antenne=antenne, name=row.expert).first()
    if expert is None:
        expert = Expert.objects.create(
            antenne=antenne,
            name=row.expert,
            email=row.email,
            phone=row.phone,
            is_active=row.expert_active is not False,
        )
        report.created["expert"] += 1
    else:
        _update(expert, {"email": row.email, "phone": row.phone, "is_active": row.expert_active}, report, "expert")
    added, removed = sync_zones(owner=expert, zones=row.expert_zones)
    report.created["zone"] += added
    report.updated["zone"] += removed
    _sync_filters(expert, row.expert_filters, report, subjects)

    _save_subjects(row, expert, institution, report, sync=sync)

    emails = [person.email for person in (*row.agents, *(row.antenne_managers or ()))]
    users = {user.email: user for user in get_user_model().objects.filter(email__in=emails)}
    _sync_people(
        expert.users,
        row.agents,
        users,
        report,
        kind="membership",
        sync=sync,
        removal=f"ligne {row.line} : {{email}} retiré(e) de l’équipe « {expert.name} »",
    )
    if row.antenne_managers is not None:
        _sync_people(
            antenne.managers,
            row.antenne_managers,
            users,
            report,
            kind="manager",
            sync=sync,
            removal=f"ligne {row.line} : {{email}} n’est plus responsable de l’antenne « {antenne.name} »",
        )


def _sync_people(related, people, users: dict, report: DirectoryImport, *, kind: str, sync: bool, removal: str):
    """Add the people of the file to a team's agents or an antenne's managers; with `sync`, remove the others."""
    current = {user.pk: user for user in related.all()}
    for person in people:
        user = _user(person, users, report)
        if user.pk not in current:
            related.add(user)
            report.created[kind] += 1
    if sync:
        listed = {person.email for person in people}
        for user in current.values():
            if user.email not in listed:
                related.remove(user)
                report.removed[kind] += 1
                report.removals.append(removal.replace("{email}", user.email))


def _save_subjects(row: _Row, expert: Expert, institution: Institution, report: DirectoryImport, *, sync) -> None:
    held = {
        item.institution_subject.subject_id: item
        for item in expert.expert_subjects.select_related("institution_subject__subject")
    }
    for subject in row.subjects:
        institution_subject, created = InstitutionSubject.objects.get_or_create(
            institution=institution, subject=subject
        )
        report.created["institution_subject"] += created
        expert_subject = held.get(subject.pk)
        if expert_subject is None or expert_subject.institution_subject_id != institution_subject.pk:
            ExpertSubject.objects.get_or_create(
                expert=expert, institution_subject=institution_subject, defaults={"intervention_criteria": row.criteria}
            )
            report.created["expert_subject"] += 1
        else:
            _update(expert_subject, {"intervention_criteria": row.criteria}, report, "expert_subject")
    if sync:
        listed = {subject.pk for subject in row.subjects}
        for subject_id, expert_subject in held.items():
            if subject_id not in listed:
                expert_subject.delete()
                report.removed["expert_subject"] += 1
                report.removals.append(
                    f"ligne {row.line} : sujet « {expert_subject.institution_subject.subject.slug} » retiré de "
                    f"l’équipe « {expert.name} »"
                )


def import_directory(
    path: Path, *, dry_run: bool = False, sync: bool = False, progress: bool = False
) -> DirectoryImport:
    """Import the file; an invalid row is reported in French with its line number and skipped, each valid row is
    written in its own transaction. With `dry_run`, everything is checked and rolled back."""
    with Path(path).open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise DirectoryFileError(f"Colonnes manquantes : {', '.join(missing)}.")
        rows = [(reader.line_num, row) for row in reader]
    subjects = {subject.slug: subject for subject in Subject.objects.all()}
    report = DirectoryImport(rows=len(rows))
    shared = _SharedCells()
    with transaction.atomic():
        for line, row in tqdm(rows, desc="Annuaire", unit="ligne", disable=not progress):
            parsed, problems = _parse(line, row, subjects, sync)
            if parsed is not None:
                problems = shared.conflicts(parsed)
            if problems:
                report.errors.extend(f"ligne {line} : {problem}" for problem in problems)
                continue
            # Counted apart so that a row rolled back leaves no trace in the figures either.
            row_report = DirectoryImport()
            try:
                with transaction.atomic():
                    _save(parsed, row_report, sync=sync, subjects=subjects)
            except IntegrityError as error:
                report.errors.append(f"ligne {line} : enregistrement impossible ({error})")
                continue
            report.merge(row_report)
            report.imported += 1
        if dry_run:
            transaction.set_rollback(True)
    return report
