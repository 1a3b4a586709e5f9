"""The rules that look at the company: match filters, chambers, OPCO and the answers to the subject's questions.

Pure functions of the need and of the rule's data, used by the decision and by its explanation alike: each returns
None when the company passes, else why it does not (French, for support).
"""

import csv
import datetime
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from relais.companies.enums import ActivityNature
from relais.companies.models import normalize_idcc

from ...enums import InstitutionCategory
from .place import Place

DATA = Path(__file__).resolve().parent.parent.parent / "data"

# INSEE staff-size codes (tranches d'effectif) → (minimum, maximum) employees; None: no upper bound. "NN" is a
# non-employer unit: no employee, the service's typical solo business. "NR" and an empty code are unknown.
STAFF_RANGES: dict[str, tuple[int, int | None]] = {
    "NN": (0, 0),
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

# The chambers and the activities (RNE forms of exercise) of the companies they serve, as the public service reads
# them; a company registered in the répertoire des métiers (NAFA code) also concerns the CMA.
_BOTH = {ActivityNature.INDEPENDANTE, ActivityNature.GESTION_DE_BIENS}
CHAMBER_NATURES = {
    InstitutionCategory.CCI: {ActivityNature.COMMERCIALE, ActivityNature.AGENT_COMMERCIAL, *_BOTH},
    InstitutionCategory.CMA: {ActivityNature.ARTISANALE, ActivityNature.ARTISANALE_REGLEMENTEE, *_BOTH},
    InstitutionCategory.UNAPL: {ActivityNature.LIBERALE_REGLEMENTEE, ActivityNature.LIBERALE_NON_REGLEMENTEE, *_BOTH},
}
CHAMBER_AUDIENCES = {
    InstitutionCategory.CCI: "commerçants",
    InstitutionCategory.CMA: "artisans",
    InstitutionCategory.UNAPL: "professions libérales",
}
# Every training need of a Mayotte company goes to the Mayotte antenne of OPCO Akto, whatever its agreements.
MAYOTTE_REGION_CODE = "06"
MAYOTTE_OPCO_SLUG = "opco-akto-mayotte"


@dataclass(frozen=True)
class Opco:
    siren: str
    name: str


@cache
def opco_by_idcc() -> dict[str, Opco]:
    """The OPCO of each collective agreement (Ministry of Labour's table, shipped in data/idcc_to_opco.csv)."""
    with (DATA / "idcc_to_opco.csv").open(encoding="utf-8", newline="") as file:
        return {
            normalize_idcc(row["idcc"]): Opco(siren=row["opco_siren"], name=row["opco_name_2021"])
            for row in csv.DictReader(file)
        }


@dataclass(frozen=True)
class CompanyFacts:
    """What the rules read about the company and its establishment, gathered once per routing."""

    place: Place
    today: datetime.date
    creation_date: datetime.date | None = None
    staff_size_code: str = ""
    naf_code: str = ""
    legal_form_code: str = ""
    activity_natures: frozenset[str] = frozenset()
    nafa_code: str = ""
    idcc_codes: tuple[str, ...] = ()
    answers: dict[int, bool] = field(default_factory=dict)

    @classmethod
    def of(cls, establishment, *, place: Place, today: datetime.date, answers=None) -> "CompanyFacts":
        company = establishment.company
        # The establishment's staff band when it is known, else the company's (as the public service does).
        staff = establishment.staff_size_code if establishment.staff_size_code in STAFF_RANGES else ""
        return cls(
            place=place,
            today=today,
            creation_date=company.creation_date,
            staff_size_code=staff or company.staff_size_code,
            naf_code=establishment.naf_code or company.naf_code,
            legal_form_code=company.legal_form_code,
            activity_natures=frozenset(company.activity_natures or ()),
            nafa_code=establishment.nafa_code,
            idcc_codes=tuple(establishment.idcc_codes or company.idcc_codes or ()),
            answers=dict(answers or {}),
        )

    @property
    def opcos(self) -> dict[str, Opco]:
        table = opco_by_idcc()
        return {opco.siren: opco for code in self.idcc_codes if (opco := table.get(normalize_idcc(code)))}


# Match filters --------------------------------------------------------------------------------------------------

FILTER_CRITERIA = (
    "min_years_of_existence",
    "max_years_of_existence",
    "min_staff",
    "max_staff",
    "accepted_naf_codes",
    "excluded_naf_codes",
    "accepted_legal_forms",
    "excluded_legal_forms",
    "excluded_communes",
)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; a 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_label(created: datetime.date, today: datetime.date) -> str:
    months = (today.year - created.year) * 12 + today.month - created.month - (today.day < created.day)
    years, months = divmod(max(months, 0), 12)
    parts = []
    if years:
        parts.append(f"{years} an{'s' if years > 1 else ''}")
    if months:
        parts.append(f"{months} mois")
    return " et ".join(parts) or "moins d’un mois"


def _years_label(years: int) -> str:
    return "moins d’un an" if years == 0 else f"{years} an{'s' if years > 1 else ''}"


def _staff_label(staff: tuple[int, int | None]) -> str:
    low, high = staff
    if high is None:
        return f"{low:,} ou plus".replace(",", " ")
    if low == high:
        return f"{low:,}".replace(",", " ")
    return f"{low:,} à {high:,}".replace(",", " ")


def _employees(count: int) -> str:
    return f"{count} salarié{'s' if count > 1 else ''}"


def _normalize_naf(code: str) -> str:
    return code.replace(".", "").replace(" ", "").upper()


def _prefixed(code: str, prefixes: list[str], normalize=str) -> bool:
    return any(normalize(code).startswith(normalize(prefix)) for prefix in prefixes if prefix)


def _age_failure(match_filter, facts: CompanyFacts) -> str | None:
    minimum, maximum = match_filter.min_years_of_existence, match_filter.max_years_of_existence
    if minimum is None and maximum is None:
        return None
    rules = []
    if minimum is not None:
        rules.append(f"ancienneté minimale {_years_label(minimum)}")
    if maximum is not None:
        rules.append(f"ancienneté maximale {_years_label(maximum)}")
    rule = ", ".join(rules)
    created = facts.creation_date
    if created is None:
        return f"{rule}, la date de création de l’entreprise est inconnue"
    # To the day, as the public service: "3 years at most" refuses a company created 3 years and 6 months ago.
    old_enough = minimum is None or created <= years_before(facts.today, minimum)
    young_enough = maximum is None or created > years_before(facts.today, maximum)
    if old_enough and young_enough:
        return None
    return f"{rule}, l’entreprise a {_age_label(created, facts.today)}"


def _staff_failure(match_filter, facts: CompanyFacts) -> str | None:
    """The staff band must lie entirely within [min_staff, max_staff], bounds included: routing never guesses, a
    company of "3 à 5 salariés" fails a minimum of 4."""
    minimum, maximum = match_filter.min_staff, match_filter.max_staff
    if minimum is None and maximum is None:
        return None
    rules = []
    if minimum is not None:
        rules.append(f"effectif minimal {_employees(minimum)}")
    if maximum is not None:
        rules.append(f"effectif maximal {_employees(maximum)}")
    rule = ", ".join(rules)
    staff = STAFF_RANGES.get(facts.staff_size_code)
    if staff is None:
        return f"{rule}, l’effectif de l’entreprise est inconnu"
    low, high = staff
    if (minimum is not None and low < minimum) or (maximum is not None and (high is None or high > maximum)):
        return f"{rule}, l’entreprise en compte {_staff_label(staff)}"
    return None


def filter_failure(match_filter, facts: CompanyFacts) -> str | None:
    """Why the company fails this filter, or None when it passes every criterion of it.

    NAF: the establishment's code, else the company's; NAF codes and legal forms match by prefix. An accepted list
    needs the data; an excluded list excludes nothing the company is not known to be.
    """
    failure = _age_failure(match_filter, facts) or _staff_failure(match_filter, facts)
    if failure:
        return failure
    naf = facts.naf_code
    if match_filter.accepted_naf_codes:
        rule = f"codes NAF acceptés {', '.join(match_filter.accepted_naf_codes)}"
        if not naf:
            return f"{rule}, le code NAF de l’établissement est inconnu"
        if not _prefixed(naf, match_filter.accepted_naf_codes, _normalize_naf):
            return f"{rule}, pas {naf}"
    if match_filter.excluded_naf_codes and naf and _prefixed(naf, match_filter.excluded_naf_codes, _normalize_naf):
        return f"code NAF {naf} exclu ({', '.join(match_filter.excluded_naf_codes)})"
    legal_form = facts.legal_form_code
    if match_filter.accepted_legal_forms:
        rule = f"formes juridiques acceptées {', '.join(match_filter.accepted_legal_forms)}"
        if not legal_form:
            return f"{rule}, la forme juridique de l’entreprise est inconnue"
        if not _prefixed(legal_form, match_filter.accepted_legal_forms):
            return f"{rule}, pas {legal_form}"
    if match_filter.excluded_legal_forms and legal_form and _prefixed(legal_form, match_filter.excluded_legal_forms):
        return f"forme juridique {legal_form} exclue ({', '.join(match_filter.excluded_legal_forms)})"
    if match_filter.excluded_communes and facts.place.commune_codes & set(match_filter.excluded_communes):
        return f"commune {facts.place.describe_commune()} exclue"
    return None


def filter_signature(match_filter, subject_ids: frozenset[int]) -> tuple:
    """Which criteria a filter sets, and for which subjects: a more specific filter with the same signature
    replaces it."""
    filled = tuple(
        bool(value) if isinstance(value, list) else value is not None
        for value in (getattr(match_filter, name) for name in FILTER_CRITERIA)
    )
    return (subject_ids, filled)


@dataclass(frozen=True, slots=True)
class FilterCriteria:
    """A match filter (models.MatchFilter) as the rules read it: its owner and its criteria, without a model
    instance (routing builds them from a JSON column of the teams' query)."""

    pk: int
    institution_id: int | None
    antenne_id: int | None
    expert_id: int | None
    min_years_of_existence: int | None
    max_years_of_existence: int | None
    min_staff: int | None
    max_staff: int | None
    accepted_naf_codes: list[str]
    excluded_naf_codes: list[str]
    accepted_legal_forms: list[str]
    excluded_legal_forms: list[str]
    excluded_communes: list[str]


@dataclass(frozen=True)
class ScopedFilter:
    """A match filter with the subjects it is scoped to (none: every subject)."""

    match_filter: FilterCriteria
    subject_ids: frozenset[int]

    @cached_property
    def signature(self) -> tuple:
        return filter_signature(self.match_filter, self.subject_ids)


def filters_failure(levels: list[tuple[str, str, list[ScopedFilter]]], facts: CompanyFacts) -> tuple[str, str] | None:
    """(rule, reason) when no examined filter accepts the company, else None.

    `levels` are (rule, label, filters) from the institution to the expert. A filter replaced by a more specific one
    on the same criteria is not examined; the company passes when no filter remains or one accepts it.
    """
    replaced: set[tuple] = set()
    examined: list[tuple[str, str, ScopedFilter]] = []
    for rule, label, filters in reversed(levels):
        signatures = {scoped.signature for scoped in filters}
        examined.extend((rule, label, scoped) for scoped in filters if scoped.signature not in replaced)
        replaced |= signatures
    if not examined:
        return None
    failures = []
    for rule, label, scoped in reversed(examined):
        failure = filter_failure(scoped.match_filter, facts)
        if failure is None:
            return None
        failures.append((rule, label, failure))
    rule = failures[0][0]
    if len(failures) == 1:
        return rule, f"{failures[0][1]} : {failures[0][2]}."
    details = " ; ".join(f"{label.lower()} : {failure}" for _rule, label, failure in failures)
    return rule, f"Filtres : aucun n’accepte l’entreprise ({details})."


# Chambers, OPCO, answers ----------------------------------------------------------------------------------------


def chamber_failure(institution, facts: CompanyFacts) -> str | None:
    """A chamber (CCI, CMA, UNAPL) receives the needs of the companies whose activity concerns it; when the activity
    is unknown, every chamber keeps the need."""
    chambers = [category for category in institution.categories if category in CHAMBER_NATURES]
    if not chambers or not facts.activity_natures:
        return None
    for chamber in chambers:
        if facts.activity_natures & CHAMBER_NATURES[chamber]:
            return None
        if chamber == InstitutionCategory.CMA and facts.nafa_code:
            return None
    audiences = " et ".join(CHAMBER_AUDIENCES[chamber] for chamber in chambers)
    labels = dict(ActivityNature.choices)
    natures = ", ".join(sorted(labels.get(nature, nature).lower() for nature in facts.activity_natures))
    return f"Chambre : {institution.name} sert les {audiences} ; l’activité de l’entreprise est {natures}."


def opco_failure(institution, facts: CompanyFacts) -> str | None:
    """Among the OPCO, only the company's own receives the need: the OPCO of its collective agreements (Mayotte:
    OPCO Akto Mayotte). Without a known agreement no OPCO does, as the public service."""
    if InstitutionCategory.OPCO not in institution.categories:
        return None
    if facts.place.region_code == MAYOTTE_REGION_CODE:
        if institution.slug == MAYOTTE_OPCO_SLUG:
            return None
        return "OPCO : à Mayotte, les besoins de formation vont à l’OPCO Akto Mayotte."
    opcos = facts.opcos
    if institution.siren and institution.siren in opcos:
        return None
    if not opcos:
        if facts.idcc_codes:
            return f"OPCO : les conventions collectives {', '.join(facts.idcc_codes)} ne relèvent d’aucun OPCO connu."
        return "OPCO : aucune convention collective connue pour l’entreprise, son OPCO est inconnu."
    names = ", ".join(sorted(opco.name for opco in opcos.values()))
    return f"OPCO : l’entreprise relève de {names} (conventions collectives {', '.join(facts.idcc_codes)})."


def answers_failure(answer_filters, facts: CompanyFacts) -> str | None:
    """An institution filtering on a question receives the need when the company's answer, if any, is the one
    expected."""
    for answer_filter in answer_filters:
        given = facts.answers.get(answer_filter.question_id)
        if given is not None and given != answer_filter.answer:
            expected = "oui" if answer_filter.answer else "non"
            return (
                f"Réponses : l’institution ne reçoit ce sujet que si l’entreprise répond « {expected} » à "
                f"« {answer_filter.question.label} »."
            )
    return None
