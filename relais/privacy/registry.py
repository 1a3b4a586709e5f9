"""The privacy registry: what Relais keeps about people, for how long, and what happens when they use their rights.

Every app declares its part in a `privacy.py` module of its own, discovered at start-up as `admin.py` is:

- `register_rule(RetentionRule(...))`: one retention rule (which data, how long from which event, what action, on
  which legal source). `manage.py apply_retention`, the notices, the register and the admin all read these entries,
  so what the notices promise is what the purge does.
- `register_personal_data(PersonalData(...))`: one model holding personal data, its personal fields, how to find a
  person's rows, and what erasing the person does to them. "Mes données personnelles", the DPO's actions and the
  erasure of an account all go through these entries.
- `register_objection(Objection(...))`: a processing a person may stop (newsletter, surveys, a public map).
- `declare_not_personal(model, reason=...)`: a model whose fields look personal but are not.

`privacy` names no model of the services. A test walks every installed model and fails when one with personal
fields (by type or name, see `looks_personal`) is neither registered nor declared not personal.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from .enums import Erasure, RetentionAction, Service

# Registration -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    """A retention period in calendar units, counted on the French wall clock: "3 ans" is three years to the day and
    the hour, whatever the leap years and the changes of summer time."""

    years: int = 0
    months: int = 0
    days: int = 0

    def before(self, moment: datetime) -> datetime:
        return timezone.localtime(moment) - relativedelta(years=self.years, months=self.months, days=self.days)

    def after(self, moment: datetime) -> datetime:
        return timezone.localtime(moment) + relativedelta(years=self.years, months=self.months, days=self.days)

    @property
    def label(self) -> str:
        parts = []
        for value, singular, plural in (
            (self.years, "an", "ans"),
            (self.months, "mois", "mois"),
            (self.days, "jour", "jours"),
        ):
            if value:
                parts.append(f"{value} {singular if value == 1 else plural}")
        return " et ".join(parts) or "aucun délai"

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class LegalSource:
    """Where a period comes from: the terms of use of a service (seed) and the article, or a text of law."""

    document: str
    article: str = ""

    def __str__(self) -> str:
        return f"{self.document}, {self.article}" if self.article else self.document


@dataclass(frozen=True)
class RetentionRule:
    """One entry of the retention registry.

    `due(cutoff)` returns the rows whose starting event is older than `cutoff` (now minus `duration`) and that the
    rule has not yet dealt with (deleted rows are gone, anonymised rows carry a marker): running the rule twice,
    or after an interruption, picks up where it stopped. `date_field` dates the starting event of those rows (the
    oldest date of a dry run). `apply(ids)` does the action to one batch in one transaction (the due rows among
    `batch_size` consecutive primary keys); the default deletes them. A DEACTIVATE_THEN_DELETE rule also gives
    `warn(queryset, deadline)`, called `warning` before the end of the period: a row is only dealt with once
    warned that long ago and unused since.
    """

    name: str
    service: Service
    data: str
    duration: Duration
    starting_event: str
    action: RetentionAction
    source: LegalSource
    due: Callable[[datetime], QuerySet]
    date_field: str
    apply: Callable[[list[int]], object] | None = None
    kept: tuple[str, ...] = ()
    warning: Duration | None = None
    warn: Callable[[QuerySet, datetime], object] | None = None
    batch_size: int = 1000

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", self.name):
            raise ValueError(f"Nom de règle invalide : {self.name!r} (minuscules, chiffres et tirets).")
        if self.action == RetentionAction.ANONYMISE and (self.apply is None or not self.kept):
            raise ValueError(f"La règle {self.name} anonymise : elle dit comment (apply) et ce qu'elle garde (kept).")
        if self.action == RetentionAction.DEACTIVATE_THEN_DELETE and (
            self.apply is None or self.warning is None or self.warn is None
        ):
            raise ValueError(f"La règle {self.name} avertit avant d'agir : apply, warning et warn sont requis.")

    @property
    def action_label(self) -> str:
        return RetentionAction(self.action).label

    @property
    def period_label(self) -> str:
        if self.duration == Duration():
            return f"dès {self.starting_event}"
        return f"{self.duration.label} après {self.starting_event}"


@dataclass(frozen=True)
class DataSubject:
    """The person whose data is looked for: an account, or only an address (a company's contact, a subscriber)."""

    email: str
    user: models.Model | None = None

    @classmethod
    def of_user(cls, user) -> "DataSubject":
        return cls(email=user.email, user=user)


Owner = Callable[[DataSubject], Q | None]
# PersonalData.rectification of data that the person cannot edit themselves: a request to the DPO corrects them.
RECTIFICATION_BY_REQUEST = "privacy:request_form"


@dataclass(frozen=True)
class Erasing:
    """What an `erase` function receives besides the person's rows: who is erased, and the random name that
    replaces them in the traces kept under a pseudonym."""

    subject: DataSubject
    pseudonym: str


@dataclass(frozen=True)
class PersonalData:
    """A model holding personal data: `fields` are exported, `owner` finds a person's rows (None: they have none
    there), `erasure` says what erasing the person does to those rows, `erase(rows, erasing)` does it (by default
    DELETED rows are deleted; an ANONYMISED entry without `erase` is anonymised by another entry or by the
    deletion of the account, e.g. an author link that becomes empty).

    `account=True` marks the account itself: the caller of the erasure deletes or anonymises it last.
    `not_personal` lists the fields that look personal but are not, each with the reason.
    `rectification` is the name of the URL where a signed-in person corrects these data themselves, or
    RECTIFICATION_BY_REQUEST when they ask the DPO; empty when there is nothing to correct.
    """

    model: type[models.Model]
    service: Service
    label: str
    fields: tuple[str, ...]
    owner: Owner
    erasure: Erasure
    erasure_note: str
    erase: Callable[[QuerySet, "Erasing"], object] | None = None
    account: bool = False
    not_personal: dict[str, str] = field(default_factory=dict)
    rectification: str = ""

    @property
    def erasure_label(self) -> str:
        return Erasure(self.erasure).label

    def rows(self, subject: DataSubject) -> QuerySet:
        condition = self.owner(subject)
        if condition is None:
            return self.model._default_manager.none()
        return self.model._default_manager.filter(condition)


@dataclass(frozen=True)
class Objection:
    """A processing a person may stop: `active(subject)` says whether it concerns them now (subscribed, surveyed…),
    `objecting(subject)` whether they already stopped it, `object(subject)` stops it."""

    slug: str
    service: Service
    label: str
    description: str
    active: Callable[[DataSubject], bool]
    objecting: Callable[[DataSubject], bool]
    object: Callable[[DataSubject], object]


class Registry:
    def __init__(self):
        self.rules: dict[str, RetentionRule] = {}
        self.personal_data: dict[type[models.Model], PersonalData] = {}
        self.objections: dict[str, Objection] = {}
        self.not_personal: dict[type[models.Model], str] = {}

    def register_rule(self, rule: RetentionRule) -> RetentionRule:
        if rule.name in self.rules:
            raise ValueError(f"Une règle de conservation s'appelle déjà {rule.name}.")
        self.rules[rule.name] = rule
        return rule

    def register_personal_data(self, entry: PersonalData) -> PersonalData:
        if entry.model in self.personal_data:
            raise ValueError(f"{entry.model._meta.label} est déjà enregistré.")
        unknown = set(entry.fields) - {f.name for f in entry.model._meta.get_fields()}
        if unknown:
            raise ValueError(f"{entry.model._meta.label} n'a pas les champs {sorted(unknown)}.")
        self.personal_data[entry.model] = entry
        return entry

    def register_objection(self, objection: Objection) -> Objection:
        if objection.slug in self.objections:
            raise ValueError(f"L'opposition {objection.slug} est déjà enregistrée.")
        self.objections[objection.slug] = objection
        return objection

    def declare_not_personal(self, model: type[models.Model], *, reason: str) -> None:
        self.not_personal[model] = reason

    def rules_of(self, service: Service) -> list[RetentionRule]:
        """The rules a notice of `service` shows: its own, then those of the whole platform."""
        own = [rule for rule in self.rules.values() if rule.service == service]
        platform = [
            rule for rule in self.rules.values() if rule.service == Service.PLATFORM and service != rule.service
        ]
        return own + platform

    def entries(self) -> list[PersonalData]:
        """Every entry, the account last (the erasure deletes or anonymises it once the rest is done)."""
        return sorted(self.personal_data.values(), key=lambda entry: entry.account)

    def objections_of(self, service: Service | None = None) -> list[Objection]:
        return [o for o in self.objections.values() if service is None or o.service == service]


registry = Registry()
register_rule = registry.register_rule
register_personal_data = registry.register_personal_data
register_objection = registry.register_objection
declare_not_personal = registry.declare_not_personal


# Owners: how a registration finds a person's rows ---------------------------------------------------------------


def by_user(*paths: str) -> Owner:
    """Rows linked to the person's account through any of `paths` (`"user"`, `"author"`, `"membership__user"`)."""
    if not paths:
        raise ValueError("by_user() a besoin d'au moins un chemin vers le compte.")

    def owner(subject: DataSubject) -> Q | None:
        if subject.user is None:
            return None
        condition = Q()
        for path in paths:
            condition |= Q(**{path: subject.user})
        return condition

    return owner


def by_email(*paths: str) -> Owner:
    """Rows whose address field (any of `paths`) is the person's, whatever its case."""
    if not paths:
        raise ValueError("by_email() a besoin d'au moins un champ d'adresse.")

    def owner(subject: DataSubject) -> Q | None:
        if not subject.email:
            return None
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{path}__iexact": subject.email})
        return condition

    return owner


def either(*owners: Owner) -> Owner:
    def owner(subject: DataSubject) -> Q | None:
        conditions = [condition for one in owners if (condition := one(subject)) is not None]
        if not conditions:
            return None
        combined = conditions[0]
        for condition in conditions[1:]:
            combined |= condition
        return combined

    return owner


# Detection of personal fields (the completeness test and the erasure test read it) ----------------------------

PERSONAL_NAME = re.compile(
    r"(^|_)(first_name|last_name|full_name|contact_name|email|emails|phone|address|ip|ip_address|comment|message|"
    r"body|description|content|details|reason|recipient|to|cc|actor_label|target_label|object_repr|change_message)$"
)


def looks_personal(model_field) -> bool:
    """A field that may hold personal data: a link to an account, an address, a file, a free text by its name."""
    if model_field.auto_created and not model_field.concrete:
        return False
    if model_field.is_relation:
        return model_field.related_model is not None and model_field.related_model._meta.label == (
            settings.AUTH_USER_MODEL
        )
    if isinstance(model_field, models.EmailField | models.GenericIPAddressField | models.FileField):
        return True
    return bool(PERSONAL_NAME.search(model_field.name))


def personal_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.get_fields() if looks_personal(f)]
