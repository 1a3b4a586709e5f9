"""Analyses by advisors (seed 000 §4.4 B): an agent who met a company's manager sends its needs to the teams
routing proposes, without going through a solicitation and support's triage."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.companies.models import Establishment

from ..models import Diagnosis
from .needs import NeedDraft, create_needs_and_notify, validate_drafts


def send_analysis(
    *,
    establishment: Establishment,
    actor: User,
    content: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    manager_consent: bool,
    needs: list[NeedDraft],
    submission_token: uuid.UUID,
) -> tuple[Diagnosis, bool]:
    """Create the analysis, its needs and matches and notify the teams; return it and whether this call created it.

    A second submission of the same form (same token) returns the analysis the first one created.
    """
    if not manager_consent:
        raise ValidationError("Les besoins ne sont transmis qu’avec l’accord du dirigeant.")
    validate_drafts(needs)
    existing = Diagnosis.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    try:
        with transaction.atomic():
            diagnosis = Diagnosis.objects.create(
                establishment=establishment,
                advisor=actor,
                content=content,
                contact_name=contact_name,
                contact_email=contact_email,
                contact_phone=contact_phone,
                manager_consent=True,
                completed_at=now,
                submission_token=submission_token,
            )
            create_needs_and_notify(
                diagnosis=diagnosis,
                needs=needs,
                sent_at=now,
                template="conseillers_entreprises/emails/advisor_analysis_needs",
                context={
                    "diagnosis": diagnosis,
                    "advisor": actor,
                    "advisor_teams": list(actor.experts.select_related("antenne").order_by("name")),
                    "establishment": establishment,
                    "company": establishment.company,
                    "company_name": establishment.company.name,
                },
            )
    except IntegrityError:
        # Both clicks passed the check above at the same time: the unique token let only the first one write.
        return Diagnosis.objects.get(submission_token=submission_token), False
    return diagnosis, True
