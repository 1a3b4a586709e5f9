"""A person's data across the apps, read and erased through the registry (export, erasure plan, erasure)."""

import datetime
import json
import uuid
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..enums import AuditAction, Erasure, Service
from ..registry import DataSubject, Erasing, PersonalData, registry
from .audit import record


@dataclass
class ExportSection:
    entry: PersonalData
    columns: list[tuple[str, str]]
    rows: list[dict]

    @property
    def service(self) -> str:
        return Service(self.entry.service).label

    @property
    def label(self) -> str:
        return self.entry.label

    def table(self) -> list[list[str]]:
        """The rows as readable cells, in the order of `columns`."""
        return [[readable(row[name]) for name, _label in self.columns] for row in self.rows]


def _prepared(entry: PersonalData, queryset: QuerySet) -> QuerySet:
    related = [name for name in entry.fields if _field(entry, name).many_to_one or _field(entry, name).one_to_one]
    many = [name for name in entry.fields if _field(entry, name).many_to_many]
    return queryset.select_related(*related).prefetch_related(*many).order_by("pk")


def _field(entry: PersonalData, name: str):
    return entry.model._meta.get_field(name)


def _value(obj: models.Model, model_field) -> object:
    """The JSON value of one field: labels rather than codes, names rather than ids."""
    if model_field.many_to_many:
        return [str(related) for related in getattr(obj, model_field.name).all()]
    if model_field.is_relation:
        related = getattr(obj, model_field.name)
        return str(related) if related is not None else None
    if model_field.choices:
        return getattr(obj, f"get_{model_field.name}_display")()
    value = getattr(obj, model_field.attname)
    if isinstance(model_field, models.FileField):
        return "fichier déposé" if value else None
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def readable(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}" if timezone.is_aware(moment) else value
    return str(value)


def collect(subject: DataSubject) -> list[ExportSection]:
    """Everything the registry knows about the person, one section per registered model that holds some of it."""
    sections = []
    for entry in sorted(registry.personal_data.values(), key=lambda e: (not e.account, e.service, e.label)):
        queryset = entry.rows(subject)
        objects = list(_prepared(entry, queryset))
        if not objects:
            continue
        fields = [_field(entry, name) for name in entry.fields]
        sections.append(
            ExportSection(
                entry=entry,
                columns=[(f.name, str(getattr(f, "verbose_name", f.name))) for f in fields],
                rows=[{f.name: _value(obj, f) for f in fields} for obj in objects],
            )
        )
    return sections


def as_json(subject: DataSubject, sections: list[ExportSection]) -> str:
    document = {
        "généré le": timezone.now().isoformat(),
        "personne": subject.email,
        "données": [
            {
                "service": section.service,
                "catégorie": section.label,
                "champs": dict(section.columns),
                "lignes": section.rows,
            }
            for section in sections
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


@dataclass
class PlannedErasure:
    entry: PersonalData
    count: int

    @property
    def service(self) -> str:
        return Service(self.entry.service).label


def erasure_plan(subject: DataSubject) -> list[PlannedErasure]:
    """What erasing the person would do, entry by entry, for the entries where they have data."""
    plan = []
    for entry in registry.entries():
        count = entry.rows(subject).count()
        if count:
            plan.append(PlannedErasure(entry=entry, count=count))
    return plan


def pseudonym() -> str:
    """The name that replaces an erased person in the traces kept for a legal obligation: random, so that nothing
    leads back to them, and the same for all their traces of one erasure."""
    return f"Personne effacée ({uuid.uuid4().hex[:8]})"


def erase_subject(
    *, subject: DataSubject, actor, reason: str, request=None, include_account: bool = False
) -> dict[str, int]:
    """Erase the person: each entry deletes, anonymises or keeps its rows as it declared; returns rows per entry.

    The account comes last and only with `include_account`: otherwise the caller deletes it (the person's own
    deletion) or anonymises it (an unused advisor's account) in the same transaction."""
    label = pseudonym()
    counts = {}
    with transaction.atomic():
        for entry in registry.entries():
            if entry.account and not include_account:
                continue
            queryset = entry.rows(subject)
            count = queryset.count()
            if not count:
                continue
            if entry.erase is not None:
                entry.erase(queryset, Erasing(subject=subject, pseudonym=label))
            elif entry.erasure == Erasure.DELETED:
                queryset.delete()
            counts[entry.model._meta.label] = count
        # The person erasing themselves is not named in the trace of their own erasure.
        if actor is not None and subject.user is not None and actor.pk == subject.user.pk:
            actor = None
        record(
            action=AuditAction.PERSONAL_DATA_ERASED,
            actor=actor,
            request=request,
            target_label=label,
            details={"motif": reason, "lignes": counts},
        )
    return counts
