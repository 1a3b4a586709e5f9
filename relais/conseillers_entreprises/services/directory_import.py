"""Import of the directory (antennes, expert teams, their agents and subjects) from a CSV file, one row per team.

Columns (header row, comma-separated, UTF-8): institution, institution_siren (optional), antenne, antenne_level
(local / régional / national), antenne_zones, expert, expert_email, expert_phone, expert_zones, subjects (slugs
separated by ";"), criteria, users ("Prénom Nom <email>" separated by ";").

Zones are written "department:69 region:84 commune:69123 epci:200046977". A row describes its team: the team's
own zones become exactly `expert_zones` (empty: the team uses its antenne's zones), and the antenne's zones become
`antenne_zones` when that cell is filled. Subjects and agents are only added, never removed, so that an import
does not undo what support set by hand. Everything is matched by name (institution, antenne, team within its
antenne) or by email (agents), so a second run of the same file changes nothing.
"""

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from tqdm import tqdm

from ..enums import TerritorialLevel, ZoneType
from ..models import Antenne, Expert, ExpertSubject, Institution, InstitutionSubject, Subject, TerritorialZone

REQUIRED_COLUMNS = ("institution", "antenne", "expert", "expert_email")
OPTIONAL_COLUMNS = (
    "institution_siren",
    "antenne_level",
    "antenne_zones",
    "expert_phone",
    "expert_zones",
    "subjects",
    "criteria",
    "users",
)

LEVELS = {
    "": TerritorialLevel.LOCAL,
    "local": TerritorialLevel.LOCAL,
    "regional": TerritorialLevel.REGIONAL,
    "régional": TerritorialLevel.REGIONAL,
    "national": TerritorialLevel.NATIONAL,
}
ZONE_TYPES = {
    "commune": ZoneType.COMMUNE,
    "epci": ZoneType.EPCI,
    "department": ZoneType.DEPARTMENT,
    "departement": ZoneType.DEPARTMENT,
    "département": ZoneType.DEPARTMENT,
    "region": ZoneType.REGION,
    "région": ZoneType.REGION,
}
ZONE_CODE_PATTERNS = {
    ZoneType.COMMUNE: re.compile(r"^(\d{5}|2[AB]\d{3})$"),
    ZoneType.EPCI: re.compile(r"^\d{9}$"),
    ZoneType.DEPARTMENT: re.compile(r"^(\d{2}|2[AB]|97\d)$"),
    ZoneType.REGION: re.compile(r"^\d{2}$"),
}
ZONE_TYPE_NAMES = {
    ZoneType.COMMUNE: "code de commune",
    ZoneType.EPCI: "SIREN d’EPCI",
    ZoneType.DEPARTMENT: "code de département",
    ZoneType.REGION: "code de région",
}
USER_PATTERN = re.compile(r"^(?:(?P<name>[^<>]*?)\s*<(?P<bracketed>[^<>]+)>|(?P<bare>[^<>\s]+))$")
SIREN_PATTERN = re.compile(r"^\d{9}$")


class DirectoryFileError(Exception):
    """The file cannot be read at all (missing columns): nothing is imported."""


@dataclass
class DirectoryImport:
    rows: int = 0
    imported: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated)


@dataclass(frozen=True)
class _Agent:
    email: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class _Row:
    institution: str
    institution_siren: str
    antenne: str
    level: str
    antenne_zones: frozenset[tuple[str, str]] | None
    expert: str
    email: str
    phone: str
    expert_zones: frozenset[tuple[str, str]]
    subjects: tuple[Subject, ...]
    criteria: str
    agents: tuple[_Agent, ...]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _parse_zones(value: str, column: str, problems: list[str]) -> frozenset[tuple[str, str]]:
    zones = set()
    for token in value.replace(";", " ").replace(",", " ").split():
        kind, _, code = token.partition(":")
        zone_type = ZONE_TYPES.get(kind.strip().lower())
        code = code.strip().upper()
        if zone_type is None or not code:
            problems.append(f"zone « {token} » illisible dans {column} (attendu par exemple « department:69 »)")
        elif not ZONE_CODE_PATTERNS[zone_type].match(code):
            problems.append(f"{ZONE_TYPE_NAMES[zone_type]} invalide « {code} » dans {column}")
        else:
            zones.add((zone_type, code))
    return frozenset(zones)


def _parse_agents(value: str, problems: list[str]) -> tuple[_Agent, ...]:
    agents = []
    for item in _split(value):
        match = USER_PATTERN.match(item)
        email = (match["bracketed"] or match["bare"]).strip().lower() if match else ""
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"agent « {item} » illisible (attendu « Prénom Nom <adresse@exemple.fr> »)")
            continue
        first_name, _, last_name = ((match["name"] or "").strip()).partition(" ")
        agents.append(_Agent(email=email, first_name=first_name, last_name=last_name.strip()))
    return tuple(agents)


def _parse(row: dict[str, str], subjects: dict[str, Subject]) -> tuple[_Row | None, list[str]]:
    values = {key: (row.get(key) or "").strip() for key in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    problems = [f"colonne « {column} » vide" for column in REQUIRED_COLUMNS if not values[column]]
    level = LEVELS.get(values["antenne_level"].lower())
    if level is None:
        problems.append(f"échelon « {values['antenne_level']} » inconnu (local, régional ou national)")
    if values["institution_siren"] and not SIREN_PATTERN.match(values["institution_siren"].replace(" ", "")):
        problems.append(f"SIREN de l’institution invalide « {values['institution_siren']} »")
    if values["expert_email"]:
        try:
            validate_email(values["expert_email"])
        except ValidationError:
            problems.append(f"adresse électronique de l’équipe invalide « {values['expert_email']} »")
    antenne_zones = (
        _parse_zones(values["antenne_zones"], "antenne_zones", problems) if values["antenne_zones"] else None
    )
    expert_zones = _parse_zones(values["expert_zones"], "expert_zones", problems)
    row_subjects = []
    for slug in _split(values["subjects"]):
        if slug in subjects:
            row_subjects.append(subjects[slug])
        else:
            problems.append(f"sujet inconnu « {slug} »")
    agents = _parse_agents(values["users"], problems)
    if problems:
        return None, problems
    return (
        _Row(
            institution=values["institution"],
            institution_siren=values["institution_siren"].replace(" ", ""),
            antenne=values["antenne"],
            level=level,
            antenne_zones=antenne_zones,
            expert=values["expert"],
            email=values["expert_email"].lower(),
            phone=values["expert_phone"],
            expert_zones=expert_zones,
            subjects=tuple(row_subjects),
            criteria=values["criteria"],
            agents=agents,
        ),
        [],
    )


def _update(instance, values: dict, report: DirectoryImport, kind: str) -> None:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
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


def _save(row: _Row, report: DirectoryImport) -> None:
    institution = Institution.objects.filter(name=row.institution).first()
    if institution is None:
        institution = Institution.objects.create(
            name=row.institution, slug=_unique_institution_slug(row.institution), siren=row.institution_siren
        )
        report.created["institution"] += 1
    elif row.institution_siren:
        _update(institution, {"siren": row.institution_siren}, report, "institution")

    antenne, created = Antenne.objects.get_or_create(
        institution=institution, name=row.antenne, defaults={"territorial_level": row.level}
    )
    if created:
        report.created["antenne"] += 1
    else:
        _update(antenne, {"territorial_level": row.level}, report, "antenne")
    if row.antenne_zones is not None:
        added, removed = sync_zones(owner=antenne, zones=row.antenne_zones)
        report.created["zone"] += added
        report.updated["zone"] += removed

    expert = Expert.objects.filter(antenne=antenne, name=row.expert).first()
    if expert is None:
        expert = Expert.objects.create(antenne=antenne, name=row.expert, email=row.email, phone=row.phone)
        report.created["expert"] += 1
    else:
        _update(expert, {"email": row.email, "phone": row.phone}, report, "expert")
    added, removed = sync_zones(owner=expert, zones=row.expert_zones)
    report.created["zone"] += added
    report.updated["zone"] += removed

    for subject in row.subjects:
        institution_subject, created = InstitutionSubject.objects.get_or_create(
            institution=institution, subject=subject
        )
        report.created["institution_subject"] += created
        expert_subject, created = ExpertSubject.objects.get_or_create(
            expert=expert, institution_subject=institution_subject, defaults={"intervention_criteria": row.criteria}
        )
        if created:
            report.created["expert_subject"] += 1
        else:
            _update(expert_subject, {"intervention_criteria": row.criteria}, report, "expert_subject")

    User = get_user_model()
    existing_users = {user.email: user for user in User.objects.filter(email__in=[a.email for a in row.agents])}
    member_ids = set(expert.users.values_list("pk", flat=True))
    for agent in row.agents:
        user = existing_users.get(agent.email)
        if user is None:
            # Agents set their password through "mot de passe oublié": nobody knows an imported one.
            user = User.objects.create_user(
                email=agent.email, password=None, first_name=agent.first_name, last_name=agent.last_name
            )
            report.created["user"] += 1
        if user.pk not in member_ids:
            expert.users.add(user)
            report.created["membership"] += 1


def import_directory(path: Path, *, dry_run: bool = False, progress: bool = False) -> DirectoryImport:
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
    with transaction.atomic():
        for line, row in tqdm(rows, desc="Annuaire", unit="ligne", disable=not progress):
            parsed, problems = _parse(row, subjects)
            if problems:
                report.errors.extend(f"ligne {line} : {problem}" for problem in problems)
                continue
            # Counted apart so that a row rolled back leaves no trace in the figures either.
            row_report = DirectoryImport()
            try:
                with transaction.atomic():
                    _save(parsed, row_report)
            except IntegrityError as error:
                report.errors.append(f"ligne {line} : enregistrement impossible ({error})")
                continue
            report.created.update(row_report.created)
            report.updated.update(row_report.updated)
            report.imported += 1
        if dry_run:
            transaction.set_rollback(True)
    return report
