"""Objections and limitations kept by privacy for the services (GDPR art. 18 and 21), by address.

A service whose processing can be stopped registers an `Objection` whose `objecting` and `object` call
`has_objected` and `object_to` here, and excludes `objected(...)` rows before it acts (e.g. before it sends a
survey). A service with its own switch (the newsletter's unsubscription) uses it instead.
"""

from django.db.models import Exists, OuterRef

from ..enums import AuditAction
from ..models import ProcessingObjection
from ..registry import DataSubject, registry
from .audit import record


def has_objected(*, purpose: str, email: str) -> bool:
    return bool(email) and ProcessingObjection.objects.filter(purpose=purpose, email__iexact=email).exists()


def object_to(*, purpose: str, email: str) -> None:
    ProcessingObjection.objects.get_or_create(purpose=purpose, email=email.strip().lower())


def objected(*, purpose: str, email_path: str) -> Exists:
    """For a service's queryset: `.exclude(objected(purpose=…, email_path="diagnosis__solicitation__email"))`."""
    return Exists(ProcessingObjection.objects.filter(purpose=purpose, email__iexact=OuterRef(email_path)))


def apply_objection(*, slug: str, subject: DataSubject, actor, request=None) -> None:
    """Stop one registered processing for the person, and trace it."""
    objection = registry.objections[slug]
    objection.object(subject)
    record(
        action=AuditAction.OBJECTION_CHANGED,
        actor=actor,
        request=request,
        target=subject.user,
        target_label="" if subject.user else subject.email,
        details={"traitement": objection.label},
    )
