"""Portail organisations in the privacy registry: memberships, rights, requests, invitations and the access log."""

from django.db.models import Q

from relais.privacy.enums import Erasure, RetentionAction, Service
from relais.privacy.registry import (
    Duration,
    LegalSource,
    PersonalData,
    RetentionRule,
    by_email,
    by_user,
    declare_not_personal,
    either,
    register_personal_data,
    register_rule,
)

from .models import (
    AccessManagerCode,
    AccessRequest,
    AccessRight,
    AuditEvent,
    DigitalService,
    Invitation,
    Membership,
    Organization,
)

declare_not_personal(Organization, reason="adresse d’une personne morale, issue du répertoire SIRENE")

register_personal_data(
    PersonalData(
        model=Membership,
        service=Service.PORTAIL,
        label="Vos rattachements à des organisations",
        fields=("user", "organization", "role", "declarant_organization", "created_at"),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimés, avec vos habilitations.",
    )
)
register_personal_data(
    PersonalData(
        model=AccessRight,
        service=Service.PORTAIL,
        label="Vos habilitations aux services numériques",
        fields=("membership", "service", "rights", "is_access_manager", "created_at"),
        owner=by_user("membership__user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées.",
    )
)


def _erase_requests(rows, erasing) -> None:
    user = erasing.subject.user
    rows.filter(membership__user=user).delete()
    rows.filter(decided_by=user).update(decided_by=None)


register_personal_data(
    PersonalData(
        model=AccessRequest,
        service=Service.PORTAIL,
        label="Demandes d’accès (les vôtres, et celles que vous avez décidées)",
        fields=("membership", "service", "message", "status", "decided_by", "decided_at", "decision_comment"),
        owner=by_user("membership__user", "decided_by"),
        erasure=Erasure.DELETED,
        erasure_note="Vos demandes sont supprimées ; celles que vous avez décidées restent, sans votre nom.",
        erase=_erase_requests,
    )
)


def _erase_invitations(rows, erasing) -> None:
    user, email = erasing.subject.user, erasing.subject.email
    addressed = Q(email__iexact=email) | (Q(accepted_by=user) if user is not None else Q(pk__in=[]))
    rows.filter(addressed).delete()
    if user is not None:
        rows.filter(invited_by=user).update(invited_by=None)


register_personal_data(
    PersonalData(
        model=Invitation,
        service=Service.PORTAIL,
        label="Invitations (reçues ou envoyées)",
        fields=("organization", "service", "email", "invited_by", "accepted_by", "accepted_at", "expires_at"),
        owner=either(by_email("email"), by_user("invited_by", "accepted_by")),
        erasure=Erasure.DELETED,
        erasure_note="Les invitations reçues sont supprimées ; celles que vous avez envoyées restent, sans votre nom.",
        erase=_erase_invitations,
    )
)
register_personal_data(
    PersonalData(
        model=AccessManagerCode,
        service=Service.PORTAIL,
        label="Codes responsable des accès (créés ou utilisés)",
        fields=("organization", "service", "created_by", "used_by", "used_at"),
        owner=by_user("created_by", "used_by"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Restent, sans votre nom.",
    )
)


def _remove_administrator(rows, erasing) -> None:
    for service in rows:
        service.application_administrators.remove(erasing.subject.user)


register_personal_data(
    PersonalData(
        model=DigitalService,
        service=Service.PORTAIL,
        label="Services numériques dont vous administrez les habilitations",
        fields=("name",),
        owner=by_user("application_administrators"),
        erasure=Erasure.DELETED,
        erasure_note="Vous n’en êtes plus administrateur.",
        erase=_remove_administrator,
        not_personal={
            "application_administrators": "la liste des administrateurs : seule votre appartenance est exportée",
            "description": "présentation du service",
        },
    )
)


def _pseudonymise_access_log(rows, erasing) -> None:
    user = erasing.subject.user
    rows.filter(actor=user).update(actor_label=erasing.pseudonym)
    rows.filter(target=user).update(target_label=erasing.pseudonym)


register_personal_data(
    PersonalData(
        model=AuditEvent,
        service=Service.PORTAIL,
        label="Journal des accès de vos organisations (vos actions et celles qui vous concernent)",
        fields=("created_at", "action", "actor", "actor_label", "organization", "service", "target", "target_label"),
        owner=by_user("actor", "target"),
        erasure=Erasure.KEPT,
        erasure_note="Conservé 12 mois pour la sécurité des accès, sous un pseudonyme.",
        erase=_pseudonymise_access_log,
        not_personal={"details": "habilitations et rôles accordés ou retirés"},
    )
)
register_rule(
    RetentionRule(
        name="portail-journal-des-acces",
        service=Service.PORTAIL,
        data="Journal des accès des organisations (habilitations, invitations, demandes d’accès)",
        duration=Duration(months=12),
        starting_event="l’événement",
        action=RetentionAction.DELETE,
        source=LegalSource(
            "CGU Place des Entreprises, article 6.4 (« Les données d’hébergement sont conservées 12 mois ») ; "
            "décret n° 2011-219 du 25 février 2011"
        ),
        due=lambda cutoff: AuditEvent.objects.filter(created_at__lt=cutoff),
        date_field="created_at",
        batch_size=5000,
    )
)
