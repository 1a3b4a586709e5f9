"""What privacy itself keeps about people: the audit log, Django's admin log, the rights requests, the objections and
the incident reports."""

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .enums import Erasure, RequestStatus, RetentionAction, Service
from .models import (
    AuditEntry,
    DataRightsEvent,
    DataRightsRequest,
    IncidentEvent,
    IncidentReport,
    ProcessingObjection,
)
from .registry import (
    Duration,
    LegalSource,
    PersonalData,
    RetentionRule,
    by_email,
    by_user,
    register_personal_data,
    register_rule,
)

HOSTING_DATA = LegalSource(
    "CGU Place des Entreprises, article 6.4 (« Les données d’hébergement sont conservées 12 mois ») ; "
    "CGU Conseiller numérique, « Durée de conservation » ; décret n° 2011-219 du 25 février 2011",
)
TWELVE_MONTHS = Duration(months=12)


# Audit log ------------------------------------------------------------------------------------------------------


def _audit_owner(subject):
    condition = Q(object_label__iexact=subject.email) if subject.email else Q(pk__in=[])
    if subject.user is not None:
        # `record` names an account by its public id, the admin's log by its primary key.
        about = Q(
            object_type=get_user_model()._meta.label_lower,
            object_id__in=[str(subject.user.public_id), str(subject.user.pk)],
        )
        condition |= Q(actor=subject.user) | about
    return condition


def _pseudonymise_audit(rows, erasing) -> None:
    user = erasing.subject.user
    if user is not None:
        rows.filter(actor=user).pseudonymise(actor_label=erasing.pseudonym)
    rows.exclude(object_label="").exclude(object_label__startswith="Personne effacée").pseudonymise(
        object_label=erasing.pseudonym
    )


register_personal_data(
    PersonalData(
        model=AuditEntry,
        service=Service.PLATFORM,
        label="Journal de sécurité (connexions, adresses IP, actions sensibles)",
        fields=("created_at", "action", "actor", "actor_label", "ip", "object_label", "details"),
        owner=_audit_owner,
        erasure=Erasure.KEPT,
        erasure_note="Conservé 12 mois pour la sécurité du service (obligation légale des hébergeurs), sous un "
        "pseudonyme : votre nom et votre adresse sont retirés.",
        erase=_pseudonymise_audit,
    )
)
register_rule(
    RetentionRule(
        name="journal-audit",
        service=Service.PLATFORM,
        data="Journaux de connexion et de sécurité : connexions, adresses IP, événements de sécurité, journal d’audit",
        duration=TWELVE_MONTHS,
        starting_event="l’événement",
        action=RetentionAction.DELETE,
        source=HOSTING_DATA,
        due=lambda cutoff: AuditEntry.objects.filter(created_at__lt=cutoff),
        date_field="created_at",
        apply=lambda ids: AuditEntry.objects.filter(pk__in=ids).purge(),
        batch_size=5000,
    )
)


# Django's admin log ---------------------------------------------------------------------------------------------


def _admin_log_owner(subject):
    if subject.user is None:
        return None
    about = Q(content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(subject.user.pk))
    return Q(user=subject.user) | about


register_personal_data(
    PersonalData(
        model=LogEntry,
        service=Service.PLATFORM,
        label="Journal de l’administration",
        fields=("action_time", "user", "object_repr", "change_message"),
        owner=_admin_log_owner,
        erasure=Erasure.DELETED,
        erasure_note="Supprimé ; le journal de sécurité garde la trace des modifications sous un pseudonyme.",
    )
)
register_rule(
    RetentionRule(
        name="journal-administration",
        service=Service.PLATFORM,
        data="Journal des modifications faites dans l’administration",
        duration=TWELVE_MONTHS,
        starting_event="la modification",
        action=RetentionAction.DELETE,
        source=HOSTING_DATA,
        due=lambda cutoff: LogEntry.objects.filter(action_time__lt=cutoff),
        date_field="action_time",
        batch_size=5000,
    )
)


# Rights requests and objections ---------------------------------------------------------------------------------

register_personal_data(
    PersonalData(
        model=DataRightsRequest,
        service=Service.PLATFORM,
        label="Vos demandes d’exercice de droits",
        fields=("reference", "right", "service", "name", "email", "details", "identity_proof", "status"),
        owner=by_email("email"),
        erasure=Erasure.KEPT,
        erasure_note="Conservées un an après leur clôture, pour prouver qu’elles ont été traitées ; le justificatif "
        "d’identité est supprimé dès la clôture.",
    )
)
register_personal_data(
    PersonalData(
        model=DataRightsEvent,
        service=Service.PLATFORM,
        label="Suivi des demandes d’exercice de droits que vous avez traitées",
        fields=("request", "kind", "created_at"),
        owner=by_user("author"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Le suivi reste, sans votre nom.",
        not_personal={
            "author": "vous-même (la ligne est la vôtre)",
            "message": "réponse du délégué à la personne qui a fait la demande (exportée avec elle)",
            "details": "nombres de lignes traitées par catégorie",
        },
    )
)
register_rule(
    RetentionRule(
        name="demandes-droits",
        service=Service.PLATFORM,
        data="Demandes d’exercice de droits et leur suivi",
        duration=Duration(years=1),
        starting_event="la clôture de la demande",
        action=RetentionAction.DELETE,
        source=LegalSource("RGPD, article 5.2 (preuve du respect des droits des personnes)"),
        due=lambda cutoff: DataRightsRequest.objects.filter(
            status__in=(RequestStatus.ANSWERED, RequestStatus.REJECTED), closed_at__lt=cutoff
        ),
        date_field="closed_at",
    )
)
register_personal_data(
    PersonalData(
        model=ProcessingObjection,
        service=Service.PLATFORM,
        label="Vos oppositions à un traitement",
        fields=("purpose", "email", "created_at"),
        owner=by_email("email"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées : vos autres données étant effacées, plus rien ne vous est envoyé.",
    )
)


# Incident reports -----------------------------------------------------------------------------------------------


def _pseudonymise_reporter(rows, erasing) -> None:
    rows.update(reporter_label=erasing.pseudonym)


register_personal_data(
    PersonalData(
        model=IncidentReport,
        service=Service.PLATFORM,
        label="Incidents de sécurité que vous avez signalés",
        fields=("reference", "kind", "description", "reported_at", "reporter", "reporter_label", "status"),
        owner=by_user("reporter"),
        erasure=Erasure.KEPT,
        erasure_note="Conservés 5 ans (documentation des incidents de sécurité), sans votre nom.",
        erase=_pseudonymise_reporter,
    )
)
register_personal_data(
    PersonalData(
        model=IncidentEvent,
        service=Service.PLATFORM,
        label="Suivi des incidents de sécurité",
        fields=("incident", "to_status", "note", "created_at"),
        owner=by_user("author"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Le suivi reste, sans votre nom.",
        not_personal={"author": "vous-même (la ligne est la vôtre)"},
    )
)
register_rule(
    RetentionRule(
        name="incidents",
        service=Service.PLATFORM,
        data="Signalements d’incidents de sécurité et leur suivi",
        duration=Duration(years=5),
        starting_event="le signalement",
        action=RetentionAction.DELETE,
        source=LegalSource("RGPD, article 33.5 (documentation des violations de données)"),
        due=lambda cutoff: IncidentReport.objects.filter(reported_at__lt=cutoff, closed_at__isnull=False),
        date_field="reported_at",
    )
)
