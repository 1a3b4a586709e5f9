"""Routing of a need to the expert teams that cover it, and, for support, why the others do not.

A team is kept when, in this order (the first failing rule is the one explained to support):

1. ``inactive``: the team, its antenne and its institution are active;
2. ``subject``: the team holds the need's subject through its own institution (ExpertSubject → InstitutionSubject);
3. ``territory``: the establishment's commune lies in the team's own zones if it has some, else in its antenne's
   zones; a national antenne covers all France. A zone covers the communes inside it, and an establishment in a
   municipal arrondissement (Paris, Lyon, Marseille) is also in its parent commune;
4. ``chamber``: a CCI, CMA or UNAPL keeps the needs of the companies its activity concerns (rules.chamber_failure);
5. ``opco``: among the OPCO, only the company's own (its collective agreements; rules.opco_failure);
6. ``answers``: the institution's filters on the answers to the subject's questions;
7. ``institution_filter``, ``antenne_filter``, ``expert_filter``: the match filters, as the public service applies
   them (models.MatchFilter): none left after the more specific ones replace the others, or one accepts;
8. ``absence``: a team whose agents are all absent today is left out when another team of the same institution
   keeps the need (alone in its institution, it is kept: its absent agents will still see the need).

`route_need` decides, uncapped, in one SQL query whatever the directory: the establishment's place and the codes
of the zones that may cover it, then rules 1–3 from the zones side (index on ``(zone_type, code)``), with whether
each team's agents are all absent today and the filters of each team, its antenne and its institution; rules 4–8
in Python on the few teams it returns. On PostgreSQL the query is prepared once per connection
(relais.core.prepared): planning it cost more than running it.
`explain_routing` (support's page only) looks at the other teams holding the subject in the region and tells, with
the same rule functions, why each is left out: it never changes the kept teams.
"""

import datetime
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from relais.companies.models import normalize_search_text
from relais.core.metrics import ROUTING_DURATION
from relais.territories.models import Commune, Department, Epci, Region

from ...enums import ZoneType
from ...models import Expert, Subject, TerritorialZone
from . import teams as team_queries
from .place import Place
from .rules import CompanyFacts, answers_failure, chamber_failure, filters_failure, opco_failure

RULE_INACTIVE = "inactive"
RULE_SUBJECT = "subject"
RULE_TERRITORY = "territory"
RULE_CHAMBER = "chamber"
RULE_OPCO = "opco"
RULE_ANSWERS = "answers"
RULE_INSTITUTION_FILTER = "institution_filter"
RULE_ANTENNE_FILTER = "antenne_filter"
RULE_EXPERT_FILTER = "expert_filter"
RULE_ABSENCE = "absence"
RULES = (
    RULE_INACTIVE,
    RULE_SUBJECT,
    RULE_TERRITORY,
    RULE_CHAMBER,
    RULE_OPCO,
    RULE_ANSWERS,
    RULE_INSTITUTION_FILTER,
    RULE_ANTENNE_FILTER,
    RULE_EXPERT_FILTER,
    RULE_ABSENCE,
)

# Support's explanation lists the teams holding the subject in the establishment's region and the national ones;
# past this many, the others are counted rather than listed. The kept teams are never capped.
EXPLAIN_MAX_CANDIDATES = 200
ZONES_SHOWN_IN_REASON = 3

_ZONE_TYPE_ORDER = {ZoneType.REGION: 0, ZoneType.DEPARTMENT: 1, ZoneType.EPCI: 2, ZoneType.COMMUNE: 3}
_FILTER_LEVELS = (
    (RULE_INSTITUTION_FILTER, "Filtre de l’institution", "institution"),
    (RULE_ANTENNE_FILTER, "Filtre de l’antenne", "antenne"),
    (RULE_EXPERT_FILTER, "Filtre de l’équipe", "expert"),
)


@dataclass(frozen=True)
class Exclusion:
    expert: Expert
    rule: str
    reason: str


@dataclass(frozen=True)
class RoutedNeed:
    """What routing knows of the need: its subject and where and what the company is."""

    subject: Subject
    establishment: object
    facts: CompanyFacts

    @property
    def place(self) -> Place:
        return self.facts.place


@dataclass
class Routing:
    """The kept teams, ordered by institution, antenne and name; `excluded` is filled by `explain_routing`."""

    kept: list[Expert]
    need: RoutedNeed
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

    present_institution_ids: set[int] = field(default_factory=set)


@functools.lru_cache(maxsize=8192)
def _sort_name(name: str) -> str:
    return normalize_search_text(name)


def _sorted(experts) -> list[Expert]:
    # Sorted in Python, accents and case aside ("Écureuil" before "Zèbre"): SQLite and PostgreSQL collate differently.
    def key(expert):
        names = (expert.antenne.institution.name, expert.antenne.name, expert.name)
        return (*(_sort_name(name) for name in names), *names, expert.pk)

    return sorted(experts, key=key)


class _CompanyRules:
    """Rules 4 to 7 for a set of teams, with the filters of those teams read once."""

    def __init__(self, experts: list[Expert], need: RoutedNeed):
        self.need = need
        self.filters = team_queries.match_filters(experts, subject_id=need.subject.pk)
        self.answer_filters = (
            team_queries.answer_filters(experts, subject_id=need.subject.pk) if need.facts.answers else {}
        )

    def exclusion(self, expert: Expert) -> Exclusion | None:
        facts = self.need.facts
        institution = expert.antenne.institution
        for rule, failure in (
            (RULE_CHAMBER, lambda: chamber_failure(institution, facts)),
            (RULE_OPCO, lambda: opco_failure(institution, facts)),
            (RULE_ANSWERS, lambda: answers_failure(self.answer_filters.get(institution.pk, ()), facts)),
        ):
            reason = failure()
            if reason:
                return Exclusion(expert, rule, reason)
        owners = {"institution": institution.pk, "antenne": expert.antenne_id, "expert": expert.pk}
        levels = [(rule, label, self.filters.get((level, owners[level]), [])) for rule, label, level in _FILTER_LEVELS]
        failed = filters_failure(levels, facts)
        return Exclusion(expert, *failed) if failed else None


def _absence_exclusion(expert: Expert, absent_ids: set[int], present_institution_ids: set[int]) -> Exclusion | None:
    if expert.pk in absent_ids and expert.antenne.institution_id in present_institution_ids:
        return Exclusion(
            expert,
            RULE_ABSENCE,
            "Absence : tous les agents de l’équipe sont absents aujourd’hui, une autre équipe de "
            f"{expert.antenne.institution.name} couvre ce besoin.",
        )
    return None


@ROUTING_DURATION.time()
def route_need(*, subject: Subject, establishment, answers=None, explain: bool = False) -> Routing:
    """The expert teams that receive a need on `subject` for `establishment`, every one of them.

    `answers` are the company's answers to the subject's questions ({question id: bool}). With `explain`, the
    routing also carries support's explanation (`explain_routing`), computed apart from the decision.
    """
    today = datetime.date.today()
    place, candidates = team_queries.placed_teams(subject_id=subject.pk, establishment=establishment, today=today)
    facts = CompanyFacts.of(establishment, place=place, today=today, answers=answers)
    need = RoutedNeed(subject=subject, establishment=establishment, facts=facts)
    rules = _CompanyRules(candidates, need)
    passing = [expert for expert in candidates if rules.exclusion(expert) is None]
    # Absence only decides between teams of one institution: a team alone in its institution is kept anyway.
    per_institution = Counter(expert.antenne.institution_id for expert in passing)
    absent = {
        expert.pk for expert in passing if expert.all_absent and per_institution[expert.antenne.institution_id] > 1
    }
    present = {expert.antenne.institution_id for expert in passing if expert.pk not in absent}
    routing = Routing(
        kept=_sorted(expert for expert in passing if _absence_exclusion(expert, absent, present) is None),
        need=need,
        present_institution_ids=present,
    )
    if explain:
        explain_routing(routing)
    return routing


# Explanations (support's page) ----------------------------------------------------------------------------------


class _Zones:
    """The zones that decide each team's territory, with their names, read in a constant number of queries."""

    def __init__(self, experts: list[Expert]):
        own = [e.pk for e in experts if e.has_own_zones]
        antennes = {e.antenne_id for e in experts if not e.has_own_zones}
        self.by_expert: dict[int, list[tuple[str, str]]] = defaultdict(list)
        self.by_antenne: dict[int, list[tuple[str, str]]] = defaultdict(list)
        if own or antennes:
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
        lookups = (
            (ZoneType.REGION, Region, "insee_code", "{name}"),
            (ZoneType.DEPARTMENT, Department, "insee_code", "{name} ({code})"),
            (ZoneType.EPCI, Epci, "siren", "{name}"),
            (ZoneType.COMMUNE, Commune, "insee_code", "{name} ({code})"),
        )
        for zone_type, model, key, template in lookups:
            if codes[zone_type]:
                for code, name in model.objects.filter(**{f"{key}__in": codes[zone_type]}).values_list(key, "name"):
                    names[(zone_type, code)] = template.format(name=name, code=code)
        return names


def _static_exclusion(expert: Expert, need: RoutedNeed, zones: _Zones) -> Exclusion | None:
    """Rules 1 to 3, from the flags the SQL computed for the team (the same conditions as the decision's query)."""
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
            expert, RULE_SUBJECT, f"Sujet : l’équipe ne traite pas « {need.subject.label} » pour {institution.name}."
        )
    if expert.covers_place:
        return None
    expert_zones = zones.of(expert)
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


def _explained(experts: list[Expert], routing: Routing) -> list[Exclusion]:
    """Why each of these teams is not kept, with the decision's own rule functions; kept teams are skipped."""
    kept = {expert.pk for expert in routing.kept}
    others = [expert for expert in experts if expert.pk not in kept]
    zones = _Zones([expert for expert in others if not expert.covers_place])
    rules = _CompanyRules(others, routing.need)
    present = routing.present_institution_ids
    absent = team_queries.all_absent_ids(
        [expert for expert in others if expert.antenne.institution_id in present], today=routing.need.facts.today
    )
    exclusions = []
    for expert in others:
        exclusion = (
            _static_exclusion(expert, routing.need, zones)
            or rules.exclusion(expert)
            or _absence_exclusion(expert, absent, present)
        )
        if exclusion:
            exclusions.append(exclusion)
    return exclusions


def explain_routing(routing: Routing) -> Routing:
    """Fill `routing.excluded`: why each other team holding the subject in the region (or national) is left out,
    ordered as the kept teams; past EXPLAIN_MAX_CANDIDATES, the rest is counted in `omitted_candidates`."""
    need = routing.need
    candidates, omitted = team_queries.region_teams(
        subject_id=need.subject.pk, establishment=need.establishment, place=need.place, limit=EXPLAIN_MAX_CANDIDATES
    )
    exclusions = _explained(candidates, routing)
    rank = {expert.pk: position for position, expert in enumerate(_sorted(e.expert for e in exclusions))}
    routing.excluded = sorted(exclusions, key=lambda exclusion: rank[exclusion.expert.pk])
    routing.omitted_candidates = omitted
    return routing


def explain_expert(
    *, expert: Expert, subject: Subject | None = None, establishment=None, answers=None, routing: Routing | None = None
) -> Exclusion | None:
    """Why this team does not receive the need (e.g. support adds it by hand), or None when routing keeps it.

    Give the `routing` already computed for the need, or its subject and establishment.
    """
    if routing is None:
        routing = route_need(subject=subject, establishment=establishment, answers=answers)
    if any(kept.pk == expert.pk for kept in routing.kept):
        return None
    need = routing.need
    team = team_queries.one_team(expert_id=expert.pk, subject_id=need.subject.pk, establishment=need.establishment)
    if team is None:
        return None
    exclusions = _explained([team], routing)
    return exclusions[0] if exclusions else None


__all__ = [
    "EXPLAIN_MAX_CANDIDATES",
    "RULES",
    "Exclusion",
    "RoutedNeed",
    "Routing",
    "explain_expert",
    "explain_routing",
    "route_need",
]
