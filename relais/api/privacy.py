"""The API in the privacy registry: the partners a person administers (and a contact address that may be theirs),
and the keys they created or revoked. A key's secret is never personal: only its digest is stored."""

from relais.privacy.enums import Erasure, RetentionAction, Service
from relais.privacy.registry import (
    Duration,
    LegalSource,
    PersonalData,
    RetentionRule,
    by_email,
    by_user,
    either,
    register_personal_data,
    register_rule,
)

from .models import ApiKey, IdempotencyRecord, Partner

register_rule(
    RetentionRule(
        name="api-cles-idempotence",
        service=Service.CONSEILLERS_ENTREPRISES,
        data="Clés d’idempotence des demandes déposées par l’API (empreinte de la requête, lien vers la demande)",
        duration=Duration(days=30),
        starting_event="la réception de la demande",
        action=RetentionAction.DELETE,
        source=LegalSource("Documentation de l’API v1", "« Idempotence » (une clé est retenue 30 jours)"),
        due=lambda cutoff: IdempotencyRecord.objects.filter(created_at__lt=cutoff),
        date_field="created_at",
    )
)


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
