"""The API in the privacy registry: the partners a person administers (and a contact address that may be theirs),
and the keys they created or revoked. A key's secret is never personal: only its digest is stored."""

from relais.privacy.enums import Erasure, Service
from relais.privacy.registry import PersonalData, by_email, by_user, either, register_personal_data

from .models import ApiKey, Partner


def _forget_partner_person(rows, erasing) -> None:
    """The partner stays (it is an organisation); the person leaves its administrators and its contact address."""
    for partner in rows:
        if erasing.subject.user is not None:
            partner.administrators.remove(erasing.subject.user)
        if partner.contact_email.lower() == erasing.subject.email.lower():
            Partner.objects.filter(pk=partner.pk).update(contact_email="")


register_personal_data(
    PersonalData(
        model=Partner,
        service=Service.CONSEILLERS_ENTREPRISES,
        label="Partenaires de l’API que vous administrez",
        fields=("name", "contact_email", "administrators"),
        owner=either(by_user("administrators"), by_email("contact_email")),
        erasure=Erasure.ANONYMISED,
        erasure_note="Le partenaire reste ; vous n’en êtes plus administrateur ni l’adresse de contact.",
        erase=_forget_partner_person,
        rectification="api:partners",
    )
)
register_personal_data(
    PersonalData(
        model=ApiKey,
        service=Service.CONSEILLERS_ENTREPRISES,
        label="Clés d’API que vous avez créées ou révoquées",
        fields=("name", "prefix", "created_at", "expires_at", "revoked_at", "created_by", "revoked_by"),
        owner=by_user("created_by", "revoked_by"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Les clés restent à leur partenaire ; votre nom n’y figure plus.",
    )
)
