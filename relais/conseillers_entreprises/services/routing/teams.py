"""The SQL that finds the teams of a need, and the rule data of those teams (filters, answer filters).

Raw SQL because the ORM cannot put a UNION inside a subquery, and a single select with OR-ed conditions over several
tables makes SQLite scan every team. Each branch of `_COVERING` starts from an index:
1. teams with their own zones among the zones of the place — `{zone}` stands for a condition on `zone`
   (covering index on zone_type, code, owners);
2. teams without zones of their own whose antenne has such a zone (same index, then expert.antenne_id);
3. teams without zones of their own in a national antenne (index on territorial_level).
The same template, with the zones of the establishment's region, gives the teams that support's explanation
looks at.
"""

import datetime
from collections import defaultdict

from django.db import connection

from relais.core import prepared

from ...enums import TerritorialLevel, ZoneType
from ...models import Antenne, Expert, Institution, MatchFilter, SubjectAnswerFilter
from .place import Place
from .rules import ScopedFilter

_COVERING = """
    SELECT zone.expert_id AS id FROM conseillers_entreprises_territorialzone zone
    WHERE zone.expert_id IS NOT NULL AND ({zone})
    UNION
    SELECT team.id FROM conseillers_entreprises_territorialzone zone
    JOIN conseillers_entreprises_expert team ON team.antenne_id = zone.antenne_id
    WHERE NOT team.has_own_zones AND ({zone})
    UNION
    SELECT team.id FROM conseillers_entreprises_antenne national
    JOIN conseillers_entreprises_expert team ON team.antenne_id = national.id
    WHERE national.territorial_level = '{national}' AND NOT team.has_own_zones
"""

# A constant of the code, written in the text rather than passed: a statement prepared once (relais.core.prepared)
# is planned for any value of its parameters, and the planner would then expect half the antennes to be national.
_NATIONAL = TerritorialLevel.NATIONAL.value
assert _NATIONAL.isalpha()

# The team holds the subject through its own institution's offer (unique indexes on (institution, subject) and
# on expertsubject.expert_id).
_HOLDS_SUBJECT = """EXISTS (
    SELECT 1 FROM conseillers_entreprises_expertsubject held
    JOIN conseillers_entreprises_institutionsubject offer ON offer.id = held.institution_subject_id
    WHERE held.expert_id = expert.id AND offer.subject_id = %s AND offer.institution_id = antenne.institution_id
)"""


# The fields routing, its explanation and the pages that list the kept teams read; the others stay deferred (loaded
# on access, as with `.only()`).
_MODELS = (
    ("expert", Expert, ("id", "public_id", "name", "email", "phone", "antenne_id", "has_own_zones", "is_active")),
    ("antenne", Antenne, ("id", "public_id", "name", "institution_id", "territorial_level", "is_active")),
    ("institution", Institution, ("id", "name", "slug", "siren", "categories", "is_active")),
)
# In the models' own field order, which `Model.from_db` expects.
_FIELDS = [
    tuple(field for field in model._meta.concrete_fields if field.attname in names) for _alias, model, names in _MODELS
]
_SELECT = ", ".join(
    f"{alias}.{field.column}"
    for (alias, _model, _names), fields in zip(_MODELS, _FIELDS, strict=True)
    for field in fields
)
_FROM = """
FROM conseillers_entreprises_expert expert
JOIN conseillers_entreprises_antenne antenne ON antenne.id = expert.antenne_id
JOIN conseillers_entreprises_institution institution ON institution.id = antenne.institution_id
"""

# Few joins: PostgreSQL plans this query on every call, and its planning time grows fast with the joined tables.
# Whether the team has agents, all of them absent on the given day (a team without agents is not absent).
_ALL_ABSENT = """(
    EXISTS (SELECT 1 FROM conseillers_entreprises_expert_users member WHERE member.expert_id = expert.id)
    AND NOT EXISTS (
        SELECT 1 FROM conseillers_entreprises_expert_users member
        WHERE member.expert_id = expert.id AND NOT EXISTS (
            SELECT 1 FROM conseillers_entreprises_absence absence
            WHERE absence.user_id = member.user_id AND absence.starts_on <= %s AND absence.ends_on >= %s
        )
    )
)"""

_COVERING_TEAMS_SQL = f"""
SELECT {_SELECT}, {_ALL_ABSENT}
FROM ({{covering}}) covering
JOIN conseillers_entreprises_expert expert ON expert.id = covering.id
JOIN conseillers_entreprises_antenne antenne ON antenne.id = expert.antenne_id
JOIN conseillers_entreprises_institution institution ON institution.id = antenne.institution_id
WHERE expert.is_active AND antenne.is_active AND institution.is_active AND {_HOLDS_SUBJECT}
"""

_REGION_TEAMS_SQL = f"""
SELECT {_SELECT}, {_HOLDS_SUBJECT}, expert.id IN ({{covering}})
{_FROM}
WHERE EXISTS (
    SELECT 1 FROM conseillers_entreprises_expertsubject held
    JOIN conseillers_entreprises_institutionsubject offer ON offer.id = held.institution_subject_id
    WHERE held.expert_id = expert.id AND offer.subject_id = %s
) AND expert.id IN ({{region}})
ORDER BY expert.id
"""

_ONE_TEAM_SQL = f"""
SELECT {_SELECT}, {_HOLDS_SUBJECT}, expert.id IN ({{covering}})
{_FROM}
WHERE expert.id = %s
"""

# A zone of the region: the region itself, one of its departments, an EPCI with a commune in it, one of its communes.
_REGION_ZONE = """
    (zone.zone_type = %s AND zone.code = %s)
    OR (zone.zone_type = %s AND zone.code IN (
        SELECT department.insee_code FROM territories_department department
        JOIN territories_region region ON region.id = department.region_id WHERE region.insee_code = %s))
    OR (zone.zone_type = %s AND zone.code IN (
        SELECT epci.siren FROM territories_epci epci JOIN territories_commune commune ON commune.epci_id = epci.id
        JOIN territories_region region ON region.id = commune.region_id WHERE region.insee_code = %s))
    OR (zone.zone_type = %s AND zone.code IN (
        SELECT commune.insee_code FROM territories_commune commune
        JOIN territories_region region ON region.id = commune.region_id WHERE region.insee_code = %s))
"""


# A place has at most this many zone codes (commune, parent commune, EPCI, department, region): the condition
# always has this many terms, the last code repeated, so that its text, prepared once, serves every place.
_PLACE_CODES = 5


def _place_condition(place: Place) -> tuple[str, list]:
    pairs = place.codes
    if not pairs:
        return "1 = 0", []
    pairs = pairs + [pairs[-1]] * (_PLACE_CODES - len(pairs))
    condition = " OR ".join(["(zone.zone_type = %s AND zone.code = %s)"] * len(pairs))
    return condition, [value for pair in pairs for value in pair]


def _covering(place: Place) -> tuple[str, list]:
    condition, params = _place_condition(place)
    return _COVERING.format(zone=condition, national=_NATIONAL), [*params, *params]


def _region_covering(place: Place) -> tuple[str, list]:
    if not place.is_known:
        return _COVERING.format(zone="1 = 0", national=_NATIONAL), []
    region = place.region_code
    params = [
        ZoneType.REGION.value,
        region,
        ZoneType.DEPARTMENT.value,
        region,
        ZoneType.EPCI.value,
        region,
        ZoneType.COMMUNE.value,
        region,
    ]
    return _COVERING.format(zone=_REGION_ZONE, national=_NATIONAL), [*params, *params]


_CONVERTERS: dict[tuple, list] = {}


def _converters(fields: tuple) -> list:
    """For each field, the functions that turn a database value into its Python value (JSON, UUID, and on SQLite
    booleans), as the ORM's compiler applies them; fields that need none cost nothing per row."""
    key = (connection.vendor, id(fields))
    if key not in _CONVERTERS:
        converters = []
        for field in fields:
            column = field.get_col(field.model._meta.db_table)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            converters.append((column, functions))
        _CONVERTERS[key] = converters
    return _CONVERTERS[key]


def _converted(values, fields) -> list:
    converted = []
    for value, (column, functions) in zip(values, _converters(fields), strict=True):
        for function in functions:
            value = function(value, column, connection)
        converted.append(value)
    return converted


def _experts_from(rows, *, flags: tuple[str, ...] = ()) -> list[Expert]:
    """The teams with their antenne and institution, built from the columns of `_SELECT` as the ORM would (one
    object per antenne and per institution, shared by their teams), and the boolean columns that follow set as the
    attributes named by `flags` (`holds_subject` and `covers_place` are True unless read)."""
    built: list[dict] = [{}, {}, {}]
    experts = []
    for row in rows:
        objects, start = [], 0
        for position, ((_alias, model, _names), fields) in enumerate(zip(_MODELS, _FIELDS, strict=True)):
            values = row[start : start + len(fields)]
            start += len(fields)
            instance = built[position].get(values[0]) if position else None
            if instance is None:
                instance = model.from_db(
                    connection.alias, [field.attname for field in fields], _converted(values, fields)
                )
                built[position][values[0]] = instance
            objects.append(instance)
        expert, antenne, institution = objects
        Antenne.institution.field.set_cached_value(antenne, institution)
        Expert.antenne.field.set_cached_value(expert, antenne)
        expert.holds_subject = expert.covers_place = True
        for name, value in zip(flags, row[start:], strict=True):
            setattr(expert, name, bool(value))
        experts.append(expert)
    return experts


def covering_teams(*, subject_id: int, place: Place, today: datetime.date) -> list[Expert]:
    """The active teams holding the subject through their institution whose territory covers the place, each with
    `all_absent` (it has agents, all absent `today`): one query whatever the size of the directory."""
    covering, covering_params = _covering(place)
    name = "routing_covering_teams" if place.codes else "routing_covering_teams_nowhere"
    with connection.cursor() as cursor:
        prepared.execute(
            cursor, name, _COVERING_TEAMS_SQL.format(covering=covering), [today, today, *covering_params, subject_id]
        )
        return _experts_from(cursor.fetchall(), flags=("all_absent",))


# The rules decided in SQL for support's explanation.
_FLAGS = ("holds_subject", "covers_place")


def _with_flags_params(*, subject_id: int, place: Place) -> tuple[str, list]:
    covering, covering_params = _covering(place)
    return covering, [subject_id, *covering_params]


def region_teams(*, subject_id: int, place: Place, limit: int) -> tuple[list[Expert], int]:
    """The teams holding the subject (through any institution) with a zone in the place's region, or national, with
    the flags of the rules decided in SQL (`holds_subject`, `covers_place`): at most `limit`, and how many more."""
    covering, flag_params = _with_flags_params(subject_id=subject_id, place=place)
    region, region_params = _region_covering(place)
    sql = _REGION_TEAMS_SQL.format(covering=covering, region=region)
    params = [*flag_params, subject_id, *region_params]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {int(limit) + 1}", params)
        teams = _experts_from(cursor.fetchall(), flags=_FLAGS)
        if len(teams) <= limit:
            return teams, 0
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) candidates", params)
        return teams[:limit], cursor.fetchone()[0] - limit


def one_team(*, expert_id: int, subject_id: int, place: Place) -> Expert | None:
    covering, flag_params = _with_flags_params(subject_id=subject_id, place=place)
    with connection.cursor() as cursor:
        cursor.execute(_ONE_TEAM_SQL.format(covering=covering), [*flag_params, expert_id])
        row = cursor.fetchone()
    return _experts_from([row], flags=_FLAGS)[0] if row else None


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


# Each agent of the teams, and whether they are absent today (index on absence.user_id).
_ABSENT_AGENTS_SQL = """
SELECT member.expert_id, EXISTS (
    SELECT 1 FROM conseillers_entreprises_absence absence
    WHERE absence.user_id = member.user_id AND absence.starts_on <= %s AND absence.ends_on >= %s
)
FROM conseillers_entreprises_expert_users member
WHERE member.expert_id IN ({experts})
"""


def all_absent_ids(experts: list[Expert], *, today: datetime.date) -> set[int]:
    """The teams that have agents, all of them absent today (a team without agents is not absent)."""
    if not experts:
        return set()
    expert_ids = [expert.pk for expert in experts]
    someone_present: dict[int, bool] = {}
    with connection.cursor() as cursor:
        cursor.execute(_ABSENT_AGENTS_SQL.format(experts=_placeholders(expert_ids)), [today, today, *expert_ids])
        for expert_id, absent in cursor.fetchall():
            someone_present[expert_id] = someone_present.get(expert_id, False) or not absent
    return {expert_id for expert_id, present in someone_present.items() if not present}


# One query, the filters' subjects joined: a filter applies to the need when it is scoped to no subject or to the
# need's one. `{…}` are the placeholders of the owners' ids.
_FILTERS_SQL = """
SELECT {columns}, scope.subject_id
FROM conseillers_entreprises_matchfilter match_filter
LEFT JOIN conseillers_entreprises_matchfilter_subjects scope ON scope.matchfilter_id = match_filter.id
WHERE match_filter.institution_id IN ({institutions})
    OR match_filter.antenne_id IN ({antennes})
    OR match_filter.expert_id IN ({experts})
"""
_FILTER_FIELDS = tuple(MatchFilter._meta.concrete_fields)


def match_filters(experts: list[Expert], *, subject_id: int) -> dict[tuple[str, int], list[ScopedFilter]]:
    """The filters of the teams, their antennes and institutions that apply to the subject, by (level, owner id)."""
    if not experts:
        return {}
    institutions = list({expert.antenne.institution_id for expert in experts})
    antennes = list({expert.antenne_id for expert in experts})
    expert_ids = [expert.pk for expert in experts]
    sql = _FILTERS_SQL.format(
        columns=", ".join(f"match_filter.{field.column}" for field in _FILTER_FIELDS),
        institutions=_placeholders(institutions),
        antennes=_placeholders(antennes),
        experts=_placeholders(expert_ids),
    )
    filters: dict[int, MatchFilter] = {}
    scopes: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*institutions, *antennes, *expert_ids])
        for row in cursor.fetchall():
            values, subject = _converted(row[:-1], _FILTER_FIELDS), row[-1]
            match_filter = MatchFilter.from_db(connection.alias, [field.attname for field in _FILTER_FIELDS], values)
            filters.setdefault(match_filter.pk, match_filter)
            if subject is not None:
                scopes[match_filter.pk].add(subject)
    by_owner: dict[tuple[str, int], list[ScopedFilter]] = defaultdict(list)
    for pk, match_filter in filters.items():
        subjects = frozenset(scopes[pk])
        if subjects and subject_id not in subjects:
            continue
        if match_filter.institution_id:
            key = ("institution", match_filter.institution_id)
        elif match_filter.antenne_id:
            key = ("antenne", match_filter.antenne_id)
        else:
            key = ("expert", match_filter.expert_id)
        by_owner[key].append(ScopedFilter(match_filter, subjects))
    return by_owner


def answer_filters(experts: list[Expert], *, subject_id: int) -> dict[int, list[SubjectAnswerFilter]]:
    """The answer filters of the teams' institutions on the subject's questions, by institution id."""
    by_institution: dict[int, list[SubjectAnswerFilter]] = defaultdict(list)
    institutions = {expert.antenne.institution_id for expert in experts}
    if institutions:
        for answer_filter in SubjectAnswerFilter.objects.filter(
            institution_id__in=institutions, question__subject_id=subject_id
        ).select_related("question"):
            by_institution[answer_filter.institution_id].append(answer_filter)
    return by_institution
