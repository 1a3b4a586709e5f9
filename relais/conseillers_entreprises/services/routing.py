"""Routing of a need to the expert teams that cover it, and why the others do not.

An expert team is kept when, in this order (the first failing rule is the one explained to support):

1. ``inactive``: the team, its antenne and its institution are active;
2. ``subject``: the team holds the need's subject through its own institution (ExpertSubject → InstitutionSubject);
3. ``territory``: the establishment's commune lies in the team's own zones if it has some, else in its antenne's
   zones; a national antenne covers all France. A zone covers the communes inside it, and an establishment in a
   municipal arrondissement (Paris, Lyon, Marseille) is also in its parent commune;
4. ``institution_filter``, ``antenne_filter``, ``expert_filter``: every match filter of that level passes;
5. ``absence``: a team whose agents are all absent today is left out when another team of the same institution
   covers the need (alone in its institution, it is kept: its absent agents will still see the need).

Without explanation, territory, subject and activity are matched in SQL from the zones side (index on
``(zone_type, code)``) and filters are evaluated in Python on the few candidates: a constant number of queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from relais.companies.models import normalize_search_text
from relais.core.metrics import ROUTING_DURATION
from relais.territories.models import Commune, Department, Epci, Region

from ..enums import TerritorialLevel, ZoneType
from ..models import Expert, ExpertSubject, MatchFilter, Subject, TerritorialZone

RULE_INACTIVE = "inactive"
RULE_SUBJECT = "subject"
RULE_TERRITORY = "territory"
RULE_INSTITUTION_FILTER = "institution_filter"
RULE_ANTENNE_FILTER = "antenne_filter"
RULE_EXPERT_FILTER = "expert_filter"
RULE_ABSENCE = "absence"
RULES = (
    RULE_INACTIVE,
    RULE_SUBJECT,
    RULE_TERRITORY,
    RULE_INSTITUTION_FILTER,
    RULE_ANTENNE_FILTER,
    RULE_EXPERT_FILTER,
    RULE_ABSENCE,
)

# The explanation shows the teams holding the subject in the establishment's region and the national ones; past
# this many, the remaining candidates are counted in `Routing.omitted_candidates` rather than listed.
EXPLAIN_MAX_CANDIDATES = 200
ZONES_SHOWN_IN_REASON = 3

# INSEE staff-size codes (tranches d'effectif) → (minimum, maximum) employees; None: no upper bound. "NN" (non
# employer units), "NR" and an empty code have no known staff.
STAFF_RANGES: dict[str, tuple[int, int | None]] = {
    "00": (0, 0),
    "01": (1, 2),
    "02": (3, 5),
    "03": (6, 9),
    "11": (10, 19),
    "12": (20, 49),
    "21": (50, 99),
    "22": (100, 199),
    "31": (200, 249),
    "32": (250, 499),
    "41": (500, 999),
    "42": (1000, 1999),
    "51": (2000, 4999),
    "52": (5000, 9999),
    "53": (10000, None),
}

_ZONE_TYPE_ORDER = {ZoneType.REGION: 0, ZoneType.DEPARTMENT: 1, ZoneType.EPCI: 2, ZoneType.COMMUNE: 3}
_FILTER_LEVELS = (
    (RULE_INSTITUTION_FILTER, "Filtre de l’institution"),
    (RULE_ANTENNE_FILTER, "Filtre de l’antenne"),
    (RULE_EXPERT_FILTER, "Filtre de l’équipe"),
)


@dataclass(frozen=True)
class Exclusion:
    expert: Expert
    rule: str
    reason: str


@dataclass
class Routing:
    kept: list[Expert]
    excluded: list[Exclusion] = field(default_factory=list)
    omitted_candidates: int = 0

    @property
    def note(self) -> str:
        if not self.omitted_candidates:
            return ""
        return (
            f"{self.omitted_candidates} autres équipes traitant ce sujet dans la région ne sont pas détaillées "
            f"(au-delà de {EXPLAIN_MAX_CANDIDATES})."
        )


@dataclass(frozen=True)
class _Place:
    """Where the establishment is, as the (zone_type, code) pairs of the zones that would cover it."""

    commune: Commune | None
    parent: Commune | None
    epci: Epci | None

    @property
    def codes(self) -> frozenset[tuple[str, str]]:
        if self.commune is None:
            return frozenset()
        codes = {(ZoneType.COMMUNE, self.commune.insee_code)}
        if self.parent is not None:
            codes.add((ZoneType.COMMUNE, self.parent.insee_code))
        if self.epci is not None:
            codes.add((ZoneType.EPCI, self.epci.siren))
        codes.add((ZoneType.DEPARTMENT, self.commune.department.insee_code))
        codes.add((ZoneType.REGION, self.commune.region.insee_code))
        return frozenset(codes)

    def describe(self, zone_type: str) -> str:
        """The establishment's place at the level of a zone type, for "outside the territory" reasons."""
        if self.commune is None:
            return "la commune de l’établissement, inconnue"
        if zone_type == ZoneType.REGION:
            return self.commune.region.name
        if zone_type == ZoneType.DEPARTMENT:
            return str(self.commune.department)
        if zone_type == ZoneType.EPCI:
            return self.epci.name if self.epci else f"{self.commune} (sans EPCI)"
        return str(self.commune)


@dataclass(frozen=True)
class _Need:
    subject: Subject
    establishment: object
    company: object
    place: _Place
    today: datetime.date


def _need(subject: Subject, establishment) -> _Need:
    # Both keys are unique: no ORDER BY (`.first()` would add one) and at most one row.
    communes = Commune.objects.select_related("department", "region", "epci", "parent__epci").order_by()
    if establishment.commune_id is not None:
        commune = next(iter(communes.filter(pk=establishment.commune_id)), None)
    elif establishment.commune_insee_code:
        commune = next(iter(communes.filter(insee_code=establishment.commune_insee_code)), None)
    else:
        commune = None
    parent = commune.parent if commune is not None else None
    epci = (commune.epci or (parent.epci if parent else None)) if commune is not None else None
    return _Need(
        subject=subject,
        establishment=establishment,
        company=establishment.company,
        place=_Place(commune=commune, parent=parent, epci=epci),
        today=datetime.date.today(),
    )


def _experts(subject: Subject):
    holds_subject = ExpertSubject.objects.filter(
        expert_id=OuterRef("pk"),
        institution_subject__subject=subject,
        institution_subject__institution_id=OuterRef("antenne__institution_id"),
    )
    return Expert.objects.select_related("antenne__institution").annotate(holds_subject=Exists(holds_subject))


def _territory_q(zone_q: Q | None) -> Q:
    national = Q(has_own_zones=False, antenne__territorial_level=TerritorialLevel.NATIONAL)
    if zone_q is None:
        return national
    own = TerritorialZone.objects.filter(zone_q, expert__isnull=False).values("expert_id")
    antenne = TerritorialZone.objects.filter(zone_q, antenne__isnull=False).values("antenne_id")
    return Q(pk__in=own) | Q(has_own_zones=False, antenne_id__in=antenne) | national


def _sorted(experts) -> list[Expert]:
    # Sorted in Python, accents and case aside ("Écureuil" before "Zèbre"): SQLite and PostgreSQL collate differently.
    def key(expert):
        names = (expert.antenne.institution.name, expert.antenne.name, expert.name)
        return (*(normalize_search_text(name) for name in names), *names, expert.pk)

    return sorted(experts, key=key)


# The ids of the covering, active teams holding the subject. Raw SQL because the ORM cannot put a UNION inside
# `IN (…)`, and a single select with OR-ed conditions over several tables makes SQLite scan every expert. Each branch
# of the UNION starts from an index:
# 1. teams with their own zones among the zones covering the place — `{place}` stands for one
#    `(zone.zone_type = %s AND zone.code = %s)` per pair, OR-ed (covering index on zone_type, code, owners);
# 2. teams without zones of their own whose antenne has such a zone (same index, then expert.antenne_id);
# 3. teams without zones of their own in a national antenne (index on territorial_level).
# The outer select keeps the active teams of active antennes and institutions that hold the subject through their own
# institution's offer (unique indexes on (institution, subject) and expertsubject.expert_id). Few joins: PostgreSQL
# plans this query on every call, and its planning time grows fast with the number of joined tables.
_COVERING_SQL = """
SELECT expert.id
FROM conseillers_entreprises_expert expert
JOIN conseillers_entreprises_antenne antenne ON antenne.id = expert.antenne_id
JOIN conseillers_entreprises_institution institution ON institution.id = antenne.institution_id
WHERE expert.is_active AND antenne.is_active AND institution.is_active
AND EXISTS (
    SELECT 1 FROM conseillers_entreprises_expertsubject held
    JOIN conseillers_entreprises_institutionsubject offer ON offer.id = held.institution_subject_id
    WHERE held.expert_id = expert.id AND offer.subject_id = %s AND offer.institution_id = antenne.institution_id
)
AND expert.id IN (
    SELECT zone.expert_id FROM conseillers_entreprises_territorialzone zone
    WHERE zone.expert_id IS NOT NULL AND ({place})
    UNION
    SELECT team.id FROM conseillers_entreprises_territorialzone zone
    JOIN conseillers_entreprises_expert team ON team.antenne_id = zone.antenne_id
    WHERE NOT team.has_own_zones AND ({place})
    UNION
    SELECT team.id FROM conseillers_entreprises_antenne national
    JOIN conseillers_entreprises_expert team ON team.antenne_id = national.id
    WHERE national.territorial_level = %s AND NOT team.has_own_zones
)
"""


def _covering_experts(need: _Need) -> list[Expert]:
    """The teams kept by activity, subject and territory, in two queries whatever the size of the directory."""
    pairs = sorted(need.place.codes)
    place = " OR ".join(["(zone.zone_type = %s AND zone.code = %s)"] * len(pairs)) or "1 = 0"
    place_params = [value for pair in pairs for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            _COVERING_SQL.format(place=place),
            [need.subject.pk, *place_params, *place_params, TerritorialLevel.NATIONAL],
        )
        expert_ids = [expert_id for (expert_id,) in cursor.fetchall()]
    if not expert_ids:
        return []
    # A separate query rather than `pk__in=RawSQL(…)`: PostgreSQL plans the combination badly.
    return list(Expert.objects.select_related("antenne__institution").filter(pk__in=expert_ids).order_by())


def _explanation_candidates(need: _Need) -> tuple[list[Expert], int]:
    """Teams holding the subject (through any institution) in the establishment's region, and the national ones."""
    commune = need.place.commune
    if commune is None:
        region_zone_q = None
    else:
        region = commune.region_id
        region_zone_q = (
            Q(zone_type=ZoneType.REGION, code=commune.region.insee_code)
            | Q(zone_type=ZoneType.DEPARTMENT, code__in=Department.objects.filter(region=region).values("insee_code"))
            | Q(
                zone_type=ZoneType.EPCI,
                code__in=Commune.objects.filter(region=region, epci__isnull=False).values("epci__siren"),
            )
            | Q(zone_type=ZoneType.COMMUNE, code__in=Commune.objects.filter(region=region).values("insee_code"))
        )
    queryset = (
        _experts(need.subject)
        .filter(_territory_q(region_zone_q))
        .filter(
            Exists(ExpertSubject.objects.filter(expert_id=OuterRef("pk"), institution_subject__subject=need.subject))
        )
        .order_by("pk")
    )
    candidates = list(queryset[: EXPLAIN_MAX_CANDIDATES + 1])
    omitted = 0
    if len(candidates) > EXPLAIN_MAX_CANDIDATES:
        candidates = candidates[:EXPLAIN_MAX_CANDIDATES]
        omitted = queryset.count() - EXPLAIN_MAX_CANDIDATES
    return candidates, omitted


class _Zones:
    """The zones that decide each candidate's territory, with their names, read in a constant number of queries."""

    def __init__(self, experts: list[Expert]):
        own = [e.pk for e in experts if e.has_own_zones]
        antennes = {e.antenne_id for e in experts if not e.has_own_zones}
        self.by_expert: dict[int, list[tuple[str, str]]] = defaultdict(list)
        self.by_antenne: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for expert_id, antenne_id, zone_type, code in TerritorialZone.objects.filter(
            Q(expert_id__in=own) | Q(antenne_id__in=antennes)
        ).values_list("expert_id", "antenne_id", "zone_type", "code"):
            target = self.by_expert[expert_id] if expert_id else self.by_antenne[antenne_id]
            target.append((zone_type, code))
        self._names: dict[tuple[str, str], str] | None = None

    def of(self, expert: Expert) -> list[tuple[str, str]]:
        zones = self.by_expert[expert.pk] if expert.has_own_zones else self.by_antenne[expert.antenne_id]
        return sorted(zones, key=lambda zone: (_ZONE_TYPE_ORDER[zone[0]], zone[1]))

    def label(self, zone: tuple[str, str]) -> str:
        if self._names is None:
            self._names = self._load_names()
        zone_type, code = zone
        label = ZoneType(zone_type).label
        return self._names.get(zone, f"{label if zone_type == ZoneType.EPCI else label.lower()} {code}")

    def _load_names(self) -> dict[tuple[str, str], str]:
        codes: dict[str, set[str]] = defaultdict(set)
        for zones in [*self.by_expert.values(), *self.by_antenne.values()]:
            for zone_type, code in zones:
                codes[zone_type].add(code)
        names: dict[tuple[str, str], str] = {}
        if codes[ZoneType.REGION]:
            for code, name in Region.objects.filter(insee_code__in=codes[ZoneType.REGION]).values_list(
                "insee_code", "name"
            ):
                names[(ZoneType.REGION, code)] = name
        if codes[ZoneType.DEPARTMENT]:
            for code, name in Department.objects.filter(insee_code__in=codes[ZoneType.DEPARTMENT]).values_list(
                "insee_code", "name"
            ):
                names[(ZoneType.DEPARTMENT, code)] = f"{name} ({code})"
        if codes[ZoneType.EPCI]:
            for code, name in Epci.objects.filter(siren__in=codes[ZoneType.EPCI]).values_list("siren", "name"):
                names[(ZoneType.EPCI, code)] = name
        if codes[ZoneType.COMMUNE]:
            for code, name in Commune.objects.filter(insee_code__in=codes[ZoneType.COMMUNE]).values_list(
                "insee_code", "name"
            ):
                names[(ZoneType.COMMUNE, code)] = f"{name} ({code})"
        return names


def _static_exclusion(expert: Expert, need: _Need, zones: _Zones) -> Exclusion | None:
    """Activity, subject and territory, checked in Python when the candidates were not chosen by them in SQL."""
    antenne = expert.antenne
    institution = antenne.institution
    if not institution.is_active:
        return Exclusion(expert, RULE_INACTIVE, f"Inactif : l’institution {institution.name} est désactivée.")
    if not antenne.is_active:
        return Exclusion(expert, RULE_INACTIVE, f"Inactif : l’antenne {antenne.name} est désactivée.")
    if not expert.is_active:
        return Exclusion(expert, RULE_INACTIVE, "Inactif : l’équipe est désactivée.")
    if not expert.holds_subject:
        return Exclusion(
            expert,
            RULE_SUBJECT,
            f"Sujet : l’équipe ne traite pas « {need.subject.label} » pour {institution.name}.",
        )
    if not expert.has_own_zones and antenne.territorial_level == TerritorialLevel.NATIONAL:
        return None
    expert_zones = zones.of(expert)
    if need.place.codes & set(expert_zones):
        return None
    owner = "l’équipe" if expert.has_own_zones else "l’antenne"
    if not expert_zones:
        return Exclusion(expert, RULE_TERRITORY, f"Hors territoire : {owner} n’a aucune zone.")
    shown = ", ".join(zones.label(zone) for zone in expert_zones[:ZONES_SHOWN_IN_REASON])
    more = len(expert_zones) - ZONES_SHOWN_IN_REASON
    if more > 0:
        shown += f" et {more} autre{'s' if more > 1 else ''} zone{'s' if more > 1 else ''}"
    return Exclusion(
        expert,
        RULE_TERRITORY,
        f"Hors territoire : {owner} couvre {shown}, pas {need.place.describe(expert_zones[0][0])}.",
    )


def _staff_label(staff: tuple[int, int | None]) -> str:
    low, high = staff
    if high is None:
        return f"{low:,} ou plus".replace(",", " ")
    if low == high:
        return f"{low:,}".replace(",", " ")
    return f"{low:,} à {high:,}".replace(",", " ")


def _years_label(years: int) -> str:
    return "moins d’un an" if years == 0 else f"{years} an{'s' if years > 1 else ''}"


def _normalize_naf(code: str) -> str:
    return code.replace(".", "").replace(" ", "").upper()


def _prefixed(code: str, prefixes: list[str], normalize=str) -> bool:
    return any(normalize(code).startswith(normalize(prefix)) for prefix in prefixes if prefix)


def _filter_failure(match_filter: MatchFilter, need: _Need) -> str | None:
    """Why the company fails this filter (French, for support), or None when it passes.

    Staff: the INSEE tranche of the company must lie entirely within [min_staff, max_staff] — a company of "3 à 5
    salariés" fails a minimum of 4 — because routing never guesses: only a certain pass routes the need.
    NAF: the establishment's code, else the company's; NAF codes and legal forms match by prefix.
    """
    company = need.company
    minimum, maximum = match_filter.min_years_of_existence, match_filter.max_years_of_existence
    if minimum is not None or maximum is not None:
        rule = f"ancienneté minimale {_years_label(minimum)}" if minimum is not None else ""
        if maximum is not None:
            rule = f"{rule}{', ' if rule else ''}ancienneté maximale {_years_label(maximum)}"
        if company.creation_date is None:
            return f"{rule}, la date de création de l’entreprise est inconnue"
        created = company.creation_date
        years = need.today.year - created.year - ((need.today.month, need.today.day) < (created.month, created.day))
        if (minimum is not None and years < minimum) or (maximum is not None and years > maximum):
            return f"{rule}, l’entreprise a {_years_label(max(years, 0))}"
    minimum, maximum = match_filter.min_staff, match_filter.max_staff
    if minimum is not None or maximum is not None:
        rule = f"effectif minimal {minimum} salarié{'s' if minimum > 1 else ''}" if minimum is not None else ""
        if maximum is not None:
            rule = f"{rule}{', ' if rule else ''}effectif maximal {maximum} salarié{'s' if maximum > 1 else ''}"
        staff = STAFF_RANGES.get(company.staff_size_code)
        if staff is None:
            return f"{rule}, l’effectif de l’entreprise est inconnu"
        low, high = staff
        if (minimum is not None and low < minimum) or (maximum is not None and (high is None or high > maximum)):
            return f"{rule}, l’entreprise en compte {_staff_label(staff)}"
    naf = need.establishment.naf_code or company.naf_code
    if match_filter.accepted_naf_codes:
        rule = f"codes NAF acceptés {', '.join(match_filter.accepted_naf_codes)}"
        if not naf:
            return f"{rule}, le code NAF de l’établissement est inconnu"
        if not _prefixed(naf, match_filter.accepted_naf_codes, _normalize_naf):
            return f"{rule}, pas {naf}"
    if match_filter.excluded_naf_codes:
        if not naf:
            return "codes NAF exclus, le code NAF de l’établissement est inconnu"
        if _prefixed(naf, match_filter.excluded_naf_codes, _normalize_naf):
            return f"code NAF {naf} exclu ({', '.join(match_filter.excluded_naf_codes)})"
    legal_form = company.legal_form_code
    if match_filter.accepted_legal_forms:
        rule = f"formes juridiques acceptées {', '.join(match_filter.accepted_legal_forms)}"
        if not legal_form:
            return f"{rule}, la forme juridique de l’entreprise est inconnue"
        if not _prefixed(legal_form, match_filter.accepted_legal_forms):
            return f"{rule}, pas {legal_form}"
    if match_filter.excluded_legal_forms:
        if not legal_form:
            return "formes juridiques exclues, la forme juridique de l’entreprise est inconnue"
        if _prefixed(legal_form, match_filter.excluded_legal_forms):
            return f"forme juridique {legal_form} exclue ({', '.join(match_filter.excluded_legal_forms)})"
    if match_filter.excluded_communes:
        place = need.place
        if place.commune is None:
            return "communes exclues, la commune de l’établissement est inconnue"
        here = {place.commune.insee_code} | ({place.parent.insee_code} if place.parent else set())
        if here & set(match_filter.excluded_communes):
            return f"commune {place.parent or place.commune} exclue"
    return None


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


# Raw SQL, one query and no prefetch of the filters' subjects: a filter applies to the need when it is scoped to no
# subject or to the need's one (unique index on (matchfilter, subject)). `{…}` are the placeholders of the owner ids.
_FILTERS_SQL = """
SELECT match_filter.*
FROM conseillers_entreprises_matchfilter match_filter
WHERE (
    match_filter.institution_id IN ({institutions})
    OR match_filter.antenne_id IN ({antennes})
    OR match_filter.expert_id IN ({experts})
) AND (
    NOT EXISTS (
        SELECT 1 FROM conseillers_entreprises_matchfilter_subjects scope
        WHERE scope.matchfilter_id = match_filter.id
    ) OR EXISTS (
        SELECT 1 FROM conseillers_entreprises_matchfilter_subjects scope
        WHERE scope.matchfilter_id = match_filter.id AND scope.subject_id = %s
    )
)
ORDER BY match_filter.id
"""


class _Filters:
    """The match filters of the candidates' institutions, antennes and experts that apply to the subject."""

    def __init__(self, experts: list[Expert], subject: Subject):
        self.by_level: dict[tuple[str, int], list[MatchFilter]] = defaultdict(list)
        if not experts:
            return
        institutions = list({e.antenne.institution_id for e in experts})
        antennes = list({e.antenne_id for e in experts})
        expert_ids = [e.pk for e in experts]
        sql = _FILTERS_SQL.format(
            institutions=_placeholders(institutions),
            antennes=_placeholders(antennes),
            experts=_placeholders(expert_ids),
        )
        for match_filter in MatchFilter.objects.raw(sql, [*institutions, *antennes, *expert_ids, subject.pk]):
            if match_filter.institution_id:
                key = (RULE_INSTITUTION_FILTER, match_filter.institution_id)
            elif match_filter.antenne_id:
                key = (RULE_ANTENNE_FILTER, match_filter.antenne_id)
            else:
                key = (RULE_EXPERT_FILTER, match_filter.expert_id)
            self.by_level[key].append(match_filter)

    def exclusion(self, expert: Expert, need: _Need) -> Exclusion | None:
        owners = {
            RULE_INSTITUTION_FILTER: expert.antenne.institution_id,
            RULE_ANTENNE_FILTER: expert.antenne_id,
            RULE_EXPERT_FILTER: expert.pk,
        }
        for rule, prefix in _FILTER_LEVELS:
            for match_filter in self.by_level[(rule, owners[rule])]:
                failure = _filter_failure(match_filter, need)
                if failure:
                    return Exclusion(expert, rule, f"{prefix} : {failure}.")
        return None


# Raw SQL for a cheap query: each agent of the teams, and whether they are absent today (index on absence.user_id).
_ABSENT_AGENTS_SQL = """
SELECT member.expert_id, EXISTS (
    SELECT 1 FROM conseillers_entreprises_absence absence
    WHERE absence.user_id = member.user_id AND absence.starts_on <= %s AND absence.ends_on >= %s
)
FROM conseillers_entreprises_expert_users member
WHERE member.expert_id IN ({experts})
"""


def _absent_expert_ids(experts: list[Expert], today: datetime.date) -> set[int]:
    """Teams with at least one agent, all of them absent today (a team without agents is not absent)."""
    if not experts:
        return set()
    expert_ids = [e.pk for e in experts]
    present: dict[int, bool] = {}
    with connection.cursor() as cursor:
        cursor.execute(_ABSENT_AGENTS_SQL.format(experts=_placeholders(expert_ids)), [today, today, *expert_ids])
        for expert_id, absent in cursor.fetchall():
            present[expert_id] = present.get(expert_id, False) or not absent
    return {expert_id for expert_id, someone_present in present.items() if not someone_present}


def _decide(candidates: list[Expert], need: _Need, zones: _Zones | None) -> tuple[list[Expert], list[Exclusion]]:
    """Apply the rules in order; `zones` is None when the candidates already passed activity, subject and territory."""
    filters = _Filters(candidates, need.subject)
    excluded: list[Exclusion] = []
    passing: list[Expert] = []
    for expert in candidates:
        exclusion = (zones and _static_exclusion(expert, need, zones)) or filters.exclusion(expert, need)
        if exclusion:
            excluded.append(exclusion)
        else:
            passing.append(expert)
    absent = _absent_expert_ids(passing, need.today)
    covered_by_present_team = {e.antenne.institution_id for e in passing if e.pk not in absent}
    kept: list[Expert] = []
    for expert in passing:
        if expert.pk in absent and expert.antenne.institution_id in covered_by_present_team:
            excluded.append(
                Exclusion(
                    expert,
                    RULE_ABSENCE,
                    "Absence : tous les agents de l’équipe sont absents aujourd’hui, une autre équipe de "
                    f"{expert.antenne.institution.name} couvre ce besoin.",
                )
            )
        else:
            kept.append(expert)
    return _sorted(kept), excluded


@ROUTING_DURATION.time()
def route_need(*, subject: Subject, establishment, explain: bool = False) -> Routing:
    """The expert teams that receive a need on `subject` for `establishment`, ordered by institution, antenne, name.

    With `explain`, also why each other team holding the subject in the establishment's region (or nationally) is
    left out: the first rule that excludes it, in the order of RULES.
    """
    need = _need(subject, establishment)
    if not explain:
        kept, _excluded = _decide(_covering_experts(need), need, zones=None)
        return Routing(kept=kept)
    candidates, omitted = _explanation_candidates(need)
    kept, excluded = _decide(candidates, need, zones=_Zones(candidates))
    rank = {expert.pk: position for position, expert in enumerate(_sorted(e.expert for e in excluded))}
    excluded.sort(key=lambda exclusion: rank[exclusion.expert.pk])
    return Routing(kept=kept, excluded=excluded, omitted_candidates=omitted)


def explain_expert(*, expert: Expert, subject: Subject, establishment) -> Exclusion | None:
    """Why this team would not receive the need (e.g. support adds it by hand), or None when routing keeps it."""
    need = _need(subject, establishment)
    candidate = _experts(subject).get(pk=expert.pk)
    exclusion = _static_exclusion(candidate, need, _Zones([candidate])) or _Filters([candidate], subject).exclusion(
        candidate, need
    )
    if exclusion or candidate.pk not in _absent_expert_ids([candidate], need.today):
        return exclusion
    # An absent team is left out only when another team of its institution covers the need: route it to know.
    _kept, excluded = _decide(_covering_experts(need), need, zones=None)
    return next((e for e in excluded if e.expert.pk == candidate.pk), None)
