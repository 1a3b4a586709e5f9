"""The SQL that finds the teams of a need, and the rule data of those teams (filters, answer filters).

Raw SQL because the ORM cannot put a UNION inside a subquery, and a single select with OR-ed conditions over several
tables makes SQLite scan every team. Each branch of `_COVERING` starts from an index:
1. teams with their own zones among the zones of the place — `{zones}` stands for the zones read (joined from the
   list of the place's codes, or the whole table) and `{zone}` for a condition on them (covering index on
   zone_type, code, owners);
2. teams without zones of their own whose antenne has such a zone (same index, then expert.antenne_id);
3. teams without zones of their own in a national antenne (index on territorial_level).
The same template, with the zones of the establishment's region, gives the teams that support's explanation
looks at.
"""

import dataclasses
import datetime
import json
from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import JSONField

from relais.core import prepared

from ...enums import TerritorialLevel, ZoneType
from ...models import Antenne, Expert, Institution, MatchFilter, SubjectAnswerFilter
from .place import Place, place_from, place_key, place_sql
from .rules import FILTER_CRITERIA, FilterCriteria, ScopedFilter

_COVERING = """
    SELECT zone.expert_id AS id FROM {zones}
    WHERE zone.expert_id IS NOT NULL AND ({zone})
    UNION
    SELECT team.id FROM {zones}
    JOIN conseillers_entreprises_expert team ON team.antenne_id = zone.antenne_id
    WHERE NOT team.has_own_zones AND ({zone})
    UNION
    SELECT team.id FROM conseillers_entreprises_antenne national
    JOIN conseillers_entreprises_expert team ON team.antenne_id = national.id
    WHERE national.territorial_level = '{national}' AND NOT team.has_own_zones
"""
_ZONES = "conseillers_entreprises_territorialzone zone"

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

# The match filters of the team, its antenne and its institution, with the subjects each is scoped to, as one JSON
# array per team (rather than a query of their own after the teams'): [[id, institution_id, antenne_id, expert_id,
# criteria in the order of rules.FILTER_CRITERIA…, [subject ids]], …]. Indexes on the three owner columns.
_FILTER_COLUMNS = ("id", "institution_id", "antenne_id", "expert_id", *FILTER_CRITERIA)
assert _FILTER_COLUMNS[1:] == tuple(field.name for field in dataclasses.fields(FilterCriteria))[1:]
_FILTER_OWNERS = (
    "match_filter.institution_id = institution.id OR match_filter.antenne_id = antenne.id "
    "OR match_filter.expert_id = expert.id"
)
_JSON_CRITERIA = {name for name in FILTER_CRITERIA if isinstance(MatchFilter._meta.get_field(name), JSONField)}
_FILTERS = {
    "postgresql": f"""(
    SELECT json_agg(json_build_array({", ".join(f"match_filter.{name}" for name in _FILTER_COLUMNS)},
        ARRAY(SELECT scope.subject_id FROM conseillers_entreprises_matchfilter_subjects scope
              WHERE scope.matchfilter_id = match_filter.id)))
    FROM conseillers_entreprises_matchfilter match_filter WHERE {_FILTER_OWNERS}
)""",
    # JSON columns are text on SQLite: json() embeds them as JSON rather than as strings.
    "sqlite": f"""(
    SELECT json_group_array(json_array({
        ", ".join(
            f"json(match_filter.{name})" if name in _JSON_CRITERIA else f"match_filter.{name}"
            for name in _FILTER_COLUMNS
        )
    }, json((SELECT json_group_array(scope.subject_id) FROM conseillers_entreprises_matchfilter_subjects scope
              WHERE scope.matchfilter_id = match_filter.id))))
    FROM conseillers_entreprises_matchfilter match_filter WHERE {_FILTER_OWNERS}
)""",
}


def _filters_column() -> str:
    return _FILTERS[connection.vendor]


# The subject by joins, not by a condition: one offer per (institution, subject) and one holding per (team, offer)
# (unique indexes), so each team comes once. The teams holding the subject are kept from the index of the holdings
# (expert, offer) before the teams and their antennes are read (PostgreSQL: 3 ms instead of 7 at 50,000 teams);
# CROSS JOIN makes SQLite keep this order rather than start from every holder of the subject.
_COVERING_TEAMS_SQL = f"""
SELECT {_SELECT}, {_ALL_ABSENT}, {{filters}}
FROM ({{covering}}) covering
CROSS JOIN conseillers_entreprises_expertsubject held
CROSS JOIN conseillers_entreprises_institutionsubject offer
CROSS JOIN conseillers_entreprises_expert expert
CROSS JOIN conseillers_entreprises_antenne antenne
CROSS JOIN conseillers_entreprises_institution institution
WHERE held.expert_id = covering.id
    AND offer.id = held.institution_subject_id AND offer.subject_id = %s
    AND expert.id = covering.id AND expert.is_active
    AND antenne.id = expert.antenne_id AND antenne.institution_id = offer.institution_id AND antenne.is_active
    AND institution.id = antenne.institution_id AND institution.is_active
"""

_REGION_TEAMS_SQL = f"""
SELECT {_SELECT}, {_HOLDS_SUBJECT}, expert.id IN ({{covering}}), {{filters}}
{_FROM}
WHERE EXISTS (
    SELECT 1 FROM conseillers_entreprises_expertsubject held
    JOIN conseillers_entreprises_institutionsubject offer ON offer.id = held.institution_subject_id
    WHERE held.expert_id = expert.id AND offer.subject_id = %s
) AND expert.id IN ({{region}})
ORDER BY expert.id
"""

_ONE_TEAM_SQL = f"""
SELECT {_SELECT}, {_HOLDS_SUBJECT}, expert.id IN ({{covering}}), {{filters}}
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


def _region_covering(place: Place) -> tuple[str, list]:
    if not place.is_known:
        return _COVERING.format(zones=_ZONES, zone="1 = 0", national=_NATIONAL), []
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
    return _COVERING.format(zones=_ZONES, zone=_REGION_ZONE, national=_NATIONAL), [*params, *params]


_CONVERTERS: dict[tuple, list] = {}


def _converters(fields: tuple, database) -> list[tuple[int, object, list]]:
    """(position, column, functions) for the fields whose database value needs turning into its Python value (JSON,
    UUID, and on SQLite booleans), as the ORM's compiler does; the others are taken as they come."""
    key = (database.vendor, id(fields))
    if key not in _CONVERTERS:
        converters = []
        for position, field in enumerate(fields):
            column = field.get_col(field.model._meta.db_table)
            functions = database.ops.get_db_converters(column) + column.get_db_converters(database)
            if functions:
                converters.append((position, column, functions))
        _CONVERTERS[key] = converters
    return _CONVERTERS[key]


def _instance(model, fields: tuple, attnames: list[str], values, database):
    values = list(values)
    for position, column, functions in _converters(fields, database):
        value = values[position]
        for function in functions:
            value = function(value, column, database)
        values[position] = value
    return model.from_db(database.alias, attnames, values)


_ATTNAMES = [[field.attname for field in fields] for fields in _FIELDS]
_WIDTHS = [len(fields) for fields in _FIELDS]


def _scoped_filters(value, parsed: dict[int, ScopedFilter]) -> tuple[ScopedFilter, ...]:
    """The filters of the JSON column `_FILTERS`, one object per filter however many teams share it."""
    if not value:
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    filters = []
    for item in value:
        scoped = parsed.get(item[0])
        if scoped is None:
            *columns, subjects = item
            scoped = parsed[item[0]] = ScopedFilter(FilterCriteria(*columns), frozenset(subjects or ()))
        filters.append(scoped)
    return tuple(filters)


def _experts_from(rows, *, flags: tuple[str, ...] = ()) -> list[Expert]:
    """The teams with their antenne and institution, built from the columns of `_SELECT` as the ORM would (one
    object per antenne and per institution, shared by their teams), the boolean columns that follow set as the
    attributes named by `flags` (`holds_subject` and `covers_place` are True unless read), and the last column,
    `_FILTERS`, as `routing_filters`."""
    database = connections[DEFAULT_DB_ALIAS]
    antennes: dict[int, Antenne] = {}
    institutions: dict[int, Institution] = {}
    parsed: dict[int, ScopedFilter] = {}
    expert_width, antenne_width, institution_width = _WIDTHS
    antenne_end = expert_width + antenne_width
    flags_start = antenne_end + institution_width
    set_antenne = Expert.antenne.field.set_cached_value
    set_institution = Antenne.institution.field.set_cached_value
    experts = []
    for row in rows:
        expert = _instance(Expert, _FIELDS[0], _ATTNAMES[0], row[:expert_width], database)
        antenne = antennes.get(row[expert_width])
        if antenne is None:
            antenne = antennes[row[expert_width]] = _instance(
                Antenne, _FIELDS[1], _ATTNAMES[1], row[expert_width:antenne_end], database
            )
            institution = institutions.get(row[antenne_end])
            if institution is None:
                institution = institutions[row[antenne_end]] = _instance(
                    Institution, _FIELDS[2], _ATTNAMES[2], row[antenne_end:flags_start], database
                )
            set_institution(antenne, institution)
        set_antenne(expert, antenne)
        expert.holds_subject = expert.covers_place = True
        for name, value in zip(flags, row[flags_start:-1], strict=True):
            setattr(expert, name, bool(value))
        expert.routing_filters = _scoped_filters(row[-1], parsed)
        experts.append(expert)
    return experts


# The establishment's place (place.py) and the codes of the zones that may cover it, computed in SQL so that the
# teams' query need not wait for the place: the commune and, for an arrondissement, its parent commune, the EPCI of
# either, the department and the region; none for an unknown commune (the national teams only). Every query of
# teams starts with them; the decision's also returns the place, on every row (alone, with NULL teams, when no team
# covers it). The zones are joined from the codes: both databases search the index once per code, PostgreSQL
# reading the owners from the index alone (OR-ed conditions read every zone row from the table, 2 ms at 50,000
# teams, and a row-value IN made SQLite scan all the zones).
_PLACE_COLUMNS = tuple(field.name for field in dataclasses.fields(Place))
assert all(zone_type.value.isalpha() for zone_type in ZoneType)
_WITH_PLACE = """
WITH place({place_columns}) AS ({place}),
codes(zone_type, code) AS (
    SELECT '{commune}', commune_code FROM place WHERE commune_code <> ''
    UNION ALL SELECT '{commune}', parent_code FROM place WHERE commune_code <> '' AND parent_code <> ''
    UNION ALL SELECT '{epci}', epci_siren FROM place WHERE commune_code <> '' AND epci_siren <> ''
    UNION ALL SELECT '{department}', department_code FROM place WHERE commune_code <> ''
    UNION ALL SELECT '{region}', region_code FROM place WHERE commune_code <> ''
)"""
_PLACE_COVERING = _COVERING.format(
    zones=f"codes JOIN {_ZONES} ON zone.zone_type = codes.zone_type AND zone.code = codes.code",
    zone="1 = 1",
    national=_NATIONAL,
)
_PLACED_TEAMS_SQL = """{with_place},
teams AS ({teams})
SELECT place.*, teams.* FROM (SELECT 1 AS one) one LEFT JOIN place ON 1 = 1 LEFT JOIN teams ON 1 = 1
"""


def _with_place(establishment) -> tuple[str, str, list]:
    """The key the commune is found by, the `WITH` clause of the place and its codes, and its parameters."""
    key, value = place_key(establishment)
    sql = _WITH_PLACE.format(
        place_columns=", ".join(_PLACE_COLUMNS),
        place=place_sql(key),
        commune=ZoneType.COMMUNE.value,
        epci=ZoneType.EPCI.value,
        department=ZoneType.DEPARTMENT.value,
        region=ZoneType.REGION.value,
    )
    return key, sql, [value]


def placed_teams(*, subject_id: int, establishment, today: datetime.date) -> tuple[Place, list[Expert]]:
    """The establishment's place, and the active teams holding the subject through their institution whose
    territory covers it, each with `all_absent` (it has agents, all absent `today`) and its filters: one query
    whatever the size of the directory."""
    key, with_place, params = _with_place(establishment)
    teams = _COVERING_TEAMS_SQL.format(covering=_PLACE_COVERING, filters=_filters_column())
    sql = _PLACED_TEAMS_SQL.format(with_place=with_place, teams=teams)
    width = len(_PLACE_COLUMNS)
    with connection.cursor() as cursor:
        prepared.execute(cursor, f"routing_placed_teams_by_{key}", sql, [*params, today, today, subject_id])
        rows = cursor.fetchall()
    place = place_from(rows[0][:width])
    return place, _experts_from([row[width:] for row in rows if row[width] is not None], flags=("all_absent",))


# The rules decided in SQL for support's explanation.
_FLAGS = ("holds_subject", "covers_place")


def region_teams(*, subject_id: int, establishment, place: Place, limit: int) -> tuple[list[Expert], int]:
    """The teams holding the subject (through any institution) with a zone in the place's region, or national, with
    the flags of the rules decided in SQL (`holds_subject`, `covers_place`): at most `limit`, and how many more."""
    _key, with_place, params = _with_place(establishment)
    region, region_params = _region_covering(place)
    sql = with_place + _REGION_TEAMS_SQL.format(covering=_PLACE_COVERING, region=region, filters=_filters_column())
    params = [*params, subject_id, subject_id, *region_params]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {int(limit) + 1}", params)
        teams = _experts_from(cursor.fetchall(), flags=_FLAGS)
        if len(teams) <= limit:
            return teams, 0
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) candidates", params)
        return teams[:limit], cursor.fetchone()[0] - limit


def one_team(*, expert_id: int, subject_id: int, establishment) -> Expert | None:
    _key, with_place, params = _with_place(establishment)
    sql = with_place + _ONE_TEAM_SQL.format(covering=_PLACE_COVERING, filters=_filters_column())
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, subject_id, expert_id])
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


def match_filters(experts: list[Expert], *, subject_id: int) -> dict[tuple[str, int], list[ScopedFilter]]:
    """The filters of the teams, their antennes and institutions that apply to the subject, by (level, owner id),
    from those their query read (`routing_filters`), in the order of their ids."""
    filters = {scoped.match_filter.pk: scoped for expert in experts for scoped in expert.routing_filters}
    by_owner: dict[tuple[str, int], list[ScopedFilter]] = defaultdict(list)
    for pk in sorted(filters):
        scoped = filters[pk]
        if scoped.subject_ids and subject_id not in scoped.subject_ids:
            continue
        match_filter = scoped.match_filter
        if match_filter.institution_id:
            key = ("institution", match_filter.institution_id)
        elif match_filter.antenne_id:
            key = ("antenne", match_filter.antenne_id)
        else:
            key = ("expert", match_filter.expert_id)
        by_owner[key].append(scoped)
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
