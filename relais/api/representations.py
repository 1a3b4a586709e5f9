"""What the API shows of the objects it serves, as plain dicts matching the schemas (relais/api/schemas/).

Shared by the operations and by the webhook, which sends a request's representation as the API gives it.
"""

from django.conf import settings
from django.urls import reverse

from relais.conseillers_entreprises.forms.public import SolicitationForm
from relais.conseillers_entreprises.models import Landing, Solicitation, Subject


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def landing_out(landing: Landing) -> dict:
    return {
        "slug": landing.slug,
        "title": landing.title,
        "url": absolute(reverse("conseillers_entreprises:landing", args=[landing.slug])),
        "partner_url": landing.partner_url,
        "integration": landing.integration,
        "iframe_allowed": landing.iframe_allowed,
        "paused": landing.is_paused,
        "themes": [theme.slug for theme in landing.themes.all()],
        "subjects": [subject.slug for subject in landing.subjects.all()],
    }


def subject_out(subject: Subject, landing: Landing) -> dict:
    return {
        "slug": subject.slug,
        "label": subject.label,
        "description": subject.description,
        "guidance": [line.strip() for line in subject.guidance.splitlines() if line.strip()],
        "theme": {"slug": subject.theme.slug, "label": subject.theme.label},
        "other_need": subject.is_other_need,
        # The public form's own rule: the API files through the same form.
        "siret_required": SolicitationForm.base_fields["siret"].required,
        "questions": [{"key": question.key, "label": question.label} for question in subject.questions.all()],
        "institutions": [
            {"slug": offer.institution.slug, "name": offer.institution.name}
            for offer in subject.institution_subjects.all()
        ],
        "form_url": absolute(reverse("conseillers_entreprises:file_request", args=[landing.slug, subject.slug])),
    }


def solicitation_out(solicitation: Solicitation, *, needs: list | None = None) -> dict:
    """The request as the API shows it; `needs` given when known (a request just filed has none)."""
    if needs is None:
        diagnosis = getattr(solicitation, "diagnosis", None)
        needs = list(diagnosis.needs.all()) if diagnosis is not None else []
    return {
        "id": solicitation.public_id,
        "status": solicitation.status,
        "status_label": solicitation.get_status_display(),
        "landing": solicitation.landing.slug if solicitation.landing else None,
        "subject": {"slug": solicitation.subject.slug, "label": solicitation.subject.label}
        if solicitation.subject
        else None,
        "submitted_at": solicitation.submitted_at,
        "processed_at": solicitation.processed_at,
        "canceled_at": solicitation.canceled_at,
        "needs": [
            {
                "subject": {"slug": need.subject.slug, "label": need.subject.label},
                "status": need.status,
                "status_label": need.get_status_display(),
                "positions": [
                    {
                        "institution": match.expert.antenne.institution.name,
                        "status": match.status,
                        "status_label": match.get_status_display(),
                    }
                    for match in need.matches.all()
                ],
            }
            for need in needs
        ],
    }
