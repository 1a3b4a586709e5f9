"""The CSV format of the directory, one row per expert team, read by the import and written by the export.

Columns (header row, comma-separated, UTF-8); only the first four are required:

- ``institution``, ``antenne``, ``expert``, ``expert_email``;
- ``institution_siren``, ``institution_categories`` (among ``acquisition expert_provider opco cci cma unapl``);
- ``antenne_level`` (local / régional / national), ``expert_phone``;
- ``antenne_zones``, ``expert_zones``: zones written "department:69 region:84 commune:69123 epci:200046977";
- ``institution_active``, ``antenne_active``, ``expert_active``: "oui" or "non";
- ``antenne_managers``, ``users``: people written "Prénom Nom <adresse@exemple.fr>" separated by ";";
- ``subjects``: subject slugs separated by ";"; ``criteria``: the intervention criteria of those subjects;
- ``institution_filters``, ``antenne_filters``, ``expert_filters``: match filters separated by " | ", each written
  "effectif_min=10 effectif_max=49 anciennete_min=3 anciennete_max=5 naf=62,70 naf_exclus=01 formes=57
  formes_exclues=5499 communes_exclues=69123 sujets=recruter,former" (every key optional).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ..enums import InstitutionCategory, TerritorialLevel, ZoneType

REQUIRED_COLUMNS = ("institution", "antenne", "expert", "expert_email")
OPTIONAL_COLUMNS = (
    "institution_siren",
    "institution_categories",
    "institution_active",
    "institution_filters",
    "antenne_level",
    "antenne_zones",
    "antenne_active",
    "antenne_managers",
    "antenne_filters",
    "expert_phone",
    "expert_zones",
    "expert_active",
    "expert_filters",
    "subjects",
    "criteria",
    "users",
)
# The order the export writes them in.
COLUMNS = (
    "institution",
    "institution_siren",
    "institution_categories",
    "institution_active",
    "institution_filters",
    "antenne",
    "antenne_level",
    "antenne_zones",
    "antenne_active",
    "antenne_managers",
    "antenne_filters",
    "expert",
    "expert_email",
    "expert_phone",
    "expert_zones",
    "expert_active",
    "expert_filters",
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
LEVEL_NAMES = {
    TerritorialLevel.LOCAL: "local",
    TerritorialLevel.REGIONAL: "régional",
    TerritorialLevel.NATIONAL: "national",
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
ZONE_ORDER = {ZoneType.REGION: 0, ZoneType.DEPARTMENT: 1, ZoneType.EPCI: 2, ZoneType.COMMUNE: 3}
PERSON_PATTERN = re.compile(r"^(?:(?P<name>[^<>]*?)\s*<(?P<bracketed>[^<>]+)>|(?P<bare>[^<>\s]+))$")
SIREN_PATTERN = re.compile(r"^\d{9}$")
ACTIVE = {"": None, "oui": True, "o": True, "non": False, "n": False}

# Filter keys of the file → MatchFilter fields; lists are comma-separated.
FILTER_NUMBERS = {
    "anciennete_min": "min_years_of_existence",
    "anciennete_max": "max_years_of_existence",
    "effectif_min": "min_staff",
    "effectif_max": "max_staff",
}
FILTER_LISTS = {
    "naf": "accepted_naf_codes",
    "naf_exclus": "excluded_naf_codes",
    "formes": "accepted_legal_forms",
    "formes_exclues": "excluded_legal_forms",
    "communes_exclues": "excluded_communes",
}
FILTER_SEPARATOR = " | "


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class FilterSpec:
    """A match filter as the file writes it: its criteria and the slugs of its subjects, comparable as a whole."""

    numbers: tuple[tuple[str, int], ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...]
    subjects: tuple[str, ...]

    @classmethod
    def of(cls, match_filter, subject_slugs) -> "FilterSpec":
        return cls(
            numbers=tuple(
                (field, getattr(match_filter, field))
                for field in FILTER_NUMBERS.values()
                if getattr(match_filter, field) is not None
            ),
            lists=tuple(
                (field, tuple(getattr(match_filter, field)))
                for field in FILTER_LISTS.values()
                if getattr(match_filter, field)
            ),
            subjects=tuple(sorted(subject_slugs)),
        )

    def fields(self) -> dict:
        values = dict.fromkeys(FILTER_NUMBERS.values()) | {field: [] for field in FILTER_LISTS.values()}
        values.update(dict(self.numbers))
        values.update({field: list(codes) for field, codes in self.lists})
        return values

    def text(self) -> str:
        keys = {field: key for key, field in {**FILTER_NUMBERS, **FILTER_LISTS}.items()}
        parts = [f"{keys[field]}={value}" for field, value in self.numbers]
        parts += [f"{keys[field]}={','.join(codes)}" for field, codes in self.lists]
        if self.subjects:
            parts.append(f"sujets={','.join(self.subjects)}")
        return " ".join(parts)


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_zones(value: str, column: str, problems: list[str]) -> frozenset[tuple[str, str]]:
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


def format_zones(zones) -> str:
    ordered = sorted(zones, key=lambda zone: (ZONE_ORDER[zone[0]], zone[1]))
    return " ".join(f"{zone_type}:{code}" for zone_type, code in ordered)


def parse_people(value: str, column: str, problems: list[str]) -> tuple[Person, ...]:
    people = []
    for item in split_list(value):
        match = PERSON_PATTERN.match(item)
        email = (match["bracketed"] or match["bare"]).strip().lower() if match else ""
        try:
            validate_email(email)
        except ValidationError:
            label = "agent" if column == "users" else "responsable"
            problems.append(f"{label} « {item} » illisible (attendu « Prénom Nom <adresse@exemple.fr> »)")
            continue
        first_name, _, last_name = ((match["name"] or "").strip()).partition(" ")
        people.append(Person(email=email, first_name=first_name, last_name=last_name.strip()))
    return tuple(people)


def format_people(users) -> str:
    def one(user) -> str:
        name = " ".join(part for part in (user.first_name, user.last_name) if part)
        return f"{name} <{user.email}>" if name else user.email

    return ";".join(one(user) for user in sorted(users, key=lambda user: user.email))


def parse_active(value: str, column: str, problems: list[str]) -> bool | None:
    key = value.strip().lower()
    if key not in ACTIVE:
        problems.append(f"valeur « {value} » inconnue dans {column} (oui ou non)")
        return None
    return ACTIVE[key]


def format_active(active: bool) -> str:
    return "oui" if active else "non"


def parse_categories(value: str, problems: list[str]) -> list[str]:
    categories = []
    for token in value.replace(";", " ").replace(",", " ").split():
        if token.lower() in InstitutionCategory.values:
            categories.append(token.lower())
        else:
            problems.append(f"catégorie « {token} » inconnue (parmi : {', '.join(InstitutionCategory.values)})")
    return categories


def parse_filters(value: str, column: str, subjects: dict, problems: list[str]) -> frozenset[FilterSpec]:
    specs = set()
    for text in (part.strip() for part in value.split("|")):
        if not text:
            continue
        numbers, lists, slugs = [], [], ()
        for token in text.split():
            key, _, raw = token.partition("=")
            key = key.strip().lower()
            if key in FILTER_NUMBERS and raw.isdigit():
                numbers.append((FILTER_NUMBERS[key], int(raw)))
            elif key in FILTER_LISTS and raw:
                lists.append((FILTER_LISTS[key], tuple(code.strip() for code in raw.split(",") if code.strip())))
            elif key == "sujets" and raw:
                slugs = tuple(sorted(code.strip() for code in raw.split(",") if code.strip()))
                unknown = [slug for slug in slugs if slug not in subjects]
                if unknown:
                    problems.append(f"sujet inconnu « {', '.join(unknown)} » dans {column}")
            else:
                problems.append(
                    f"critère « {token} » illisible dans {column} (par exemple « effectif_max=49 naf=62,70 »)"
                )
        order = list(FILTER_NUMBERS.values()) + list(FILTER_LISTS.values())
        specs.add(
            FilterSpec(
                numbers=tuple(sorted(numbers, key=lambda item: order.index(item[0]))),
                lists=tuple(sorted(lists, key=lambda item: order.index(item[0]))),
                subjects=slugs,
            )
        )
    return frozenset(specs)


def format_filters(specs) -> str:
    return FILTER_SEPARATOR.join(sorted(spec.text() for spec in specs))


def format_level(level: str) -> str:
    return LEVEL_NAMES.get(level, level)


def parse_siren(value: str, problems: list[str]) -> str:
    siren = value.replace(" ", "")
    if siren and not SIREN_PATTERN.match(siren):
        problems.append(f"SIREN de l’institution invalide « {value} »")
    return siren
