"""Conseillers-Entreprises personal data: what "Mes données personnelles" exports and what erasure does."""

from relais.core.uploads import delete_after_commit
from relais.privacy.enums import Erasure
from relais.privacy.registry import (
    RECTIFICATION_BY_REQUEST,
    PersonalData,
    by_email,
    by_user,
    declare_not_personal,
    either,
    register_personal_data,
)

from ..models import (
    Absence,
    AccountRequest,
    AdvisorInvitation,
    Antenne,
    BlockedEmail,
    CancellationTemplate,
    CompanyEmailSent,
    Diagnosis,
    Expert,
    ExportJob,
    InstitutionSubject,
    MatchStatusChange,
    Need,
    NeedComment,
    NewsletterSubscription,
    ReminderAction,
    SatisfactionAnswer,
    Solicitation,
    SolicitationEvent,
    Subject,
    Theme,
)
from .rules import CE, anonymise

# Personal data: export and erasure ------------------------------------------------------------------------------

declare_not_personal(InstitutionSubject, reason="offre d’une institution")
declare_not_personal(CancellationTemplate, reason="modèle de courriel")
declare_not_personal(Subject, reason="sujet de la taxonomie")
declare_not_personal(Theme, reason="thème de la taxonomie")

COMPANY_CONTACT = ("diagnosis__solicitation__email", "diagnosis__contact_email")


def _anonymise_solicitations(rows, erasing) -> None:
    anonymise(solicitation_ids=list(rows.values_list("pk", flat=True)))


def _anonymise_contact_diagnoses(rows, erasing) -> None:
    contact = by_email("contact_email", "solicitation__email")(erasing.subject)
    if contact is not None:
        anonymise(diagnosis_ids=list(rows.filter(contact).values_list("pk", flat=True)))


register_personal_data(
    PersonalData(
        model=Solicitation,
        service=CE,
        label="Vos demandes d’accompagnement",
        fields=(
            "submitted_at",
            "status",
            "subject",
            "description",
            "siret",
            "first_name",
            "last_name",
            "phone",
            "email",
            "origin_url",
            "tracking",
            "terms_accepted_at",
        ),
        owner=by_email("email"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Vos coordonnées et la description de vos demandes sont effacées ; le sujet, l’entreprise, les "
        "dates et les statuts restent, sans lien avec vous, pour les statistiques publiques du service.",
        erase=_anonymise_solicitations,
        rectification=RECTIFICATION_BY_REQUEST,
    )
)
register_personal_data(
    PersonalData(
        model=Diagnosis,
        service=CE,
        label="Analyses des besoins de votre entreprise, ou faites par vous comme conseiller",
        fields=("created_at", "establishment", "content", "contact_name", "contact_email", "contact_phone", "advisor"),
        owner=either(by_email("contact_email", "solicitation__email"), by_user("advisor")),
        erasure=Erasure.ANONYMISED,
        erasure_note="Les analyses de votre entreprise perdent vos coordonnées et leur contexte ; celles que vous "
        "avez faites comme conseiller restent, sans votre nom.",
        erase=_anonymise_contact_diagnoses,
        rectification=RECTIFICATION_BY_REQUEST,
    )
)
register_personal_data(
    PersonalData(
        model=Need,
        service=CE,
        label="Besoins de votre entreprise",
        fields=("created_at", "subject", "content", "status"),
        owner=by_email(*COMPANY_CONTACT),
        erasure=Erasure.ANONYMISED,
        erasure_note="Description effacée ; le sujet et le statut restent pour les statistiques.",
        rectification=RECTIFICATION_BY_REQUEST,
    )
)
register_personal_data(
    PersonalData(
        model=NeedComment,
        service=CE,
        label="Messages du fil d’échanges des conseillers",
        fields=("need", "created_at", "body"),
        owner=either(by_user("author"), by_email(*(f"need__{path}" for path in COMPANY_CONTACT))),
        erasure=Erasure.ANONYMISED,
        erasure_note="Les messages sur les besoins de votre entreprise sont effacés ; ceux que vous avez écrits comme "
        "conseiller restent, sans votre nom.",
        not_personal={"author": "l’agent qui écrit : sa propre copie est la ligne elle-même, un tiers ne le voit pas"},
    )
)
register_personal_data(
    PersonalData(
        model=MatchStatusChange,
        service=CE,
        label="Vos positions sur les besoins (prise en charge, refus, clôture)",
        fields=("match", "from_status", "to_status", "reason", "created_at"),
        owner=by_user("author"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Vos positions restent sur les besoins, signées « ancien conseiller » ou sans nom.",
        not_personal={"author": "vous-même (la ligne est la vôtre)"},
    )
)
register_personal_data(
    PersonalData(
        model=ReminderAction,
        service=CE,
        label="Vos actions de relance (équipe support)",
        fields=("need", "basket", "action", "message", "created_at"),
        owner=by_user("author"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Restent, sans votre nom.",
        not_personal={"author": "vous-même (la ligne est la vôtre)"},
    )
)
register_personal_data(
    PersonalData(
        model=SolicitationEvent,
        service=CE,
        label="Vos actions sur les demandes (équipe support)",
        fields=("solicitation", "action", "created_at"),
        owner=by_user("author"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Restent, sans votre nom.",
        not_personal={"author": "vous-même (la ligne est la vôtre)", "details": "experts et sujets choisis"},
    )
)
register_personal_data(
    PersonalData(
        model=CompanyEmailSent,
        service=CE,
        label="Courriels de suivi envoyés à votre entreprise",
        fields=("need", "kind", "recipient", "created_at"),
        owner=by_email("recipient"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Le destinataire est effacé ; la date de l’envoi reste.",
        erase=lambda rows, erasing: rows.update(recipient=""),
    )
)
register_personal_data(
    PersonalData(
        model=SatisfactionAnswer,
        service=CE,
        label="Vos réponses à l’enquête de satisfaction",
        fields=("need", "called_back", "useful", "comment", "created_at"),
        owner=by_email(*(f"need__{path}" for path in COMPANY_CONTACT)),
        erasure=Erasure.ANONYMISED,
        erasure_note="Votre commentaire est effacé ; les réponses oui/non restent pour les statistiques.",
        not_personal={"shared_by": "agent du support qui a partagé la réponse avec les experts"},
    )
)
register_personal_data(
    PersonalData(
        model=NewsletterSubscription,
        service=CE,
        label="Votre inscription à la lettre d’information",
        fields=("email", "created_at", "confirmed_at", "unsubscribed_at"),
        owner=by_email("email"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimée.",
    )
)
register_personal_data(
    PersonalData(
        model=BlockedEmail,
        service=CE,
        label="Adresse bloquée après des envois abusifs",
        fields=("pattern", "reason", "created_at"),
        owner=by_email("pattern"),
        erasure=Erasure.KEPT,
        erasure_note="Conservée : elle protège le service des envois abusifs (intérêt légitime).",
    )
)


def _delete_addressed_and_forget_author(addressed_paths: tuple[str, ...], author_path: str):
    def erase(rows, erasing) -> None:
        user = erasing.subject.user
        owner = either(by_email("email"), by_user(*addressed_paths)) if addressed_paths else by_email("email")
        addressed = owner(erasing.subject)
        rows.filter(addressed).delete()
        if user is not None:
            rows.filter(**{author_path: user}).update(**{author_path: None})

    return erase


register_personal_data(
    PersonalData(
        model=AdvisorInvitation,
        service=CE,
        label="Invitations de conseiller (reçues ou envoyées)",
        fields=("email", "first_name", "last_name", "experts", "sent_at", "accepted_at", "user"),
        owner=either(by_email("email"), by_user("user", "invited_by")),
        erasure=Erasure.DELETED,
        erasure_note="Les invitations reçues sont supprimées ; celles que vous avez envoyées restent, sans votre nom.",
        erase=_delete_addressed_and_forget_author(("user",), "invited_by"),
        not_personal={"invited_by": "l’agent qui a invité"},
    )
)
register_personal_data(
    PersonalData(
        model=AccountRequest,
        service=CE,
        label="Demandes de compte de conseiller",
        fields=(
            "first_name",
            "last_name",
            "email",
            "phone",
            "institution",
            "antenne",
            "message",
            "status",
            "created_at",
            "refusal_reason",
        ),
        owner=either(by_email("email"), by_user("decided_by")),
        erasure=Erasure.DELETED,
        erasure_note="Vos demandes sont supprimées ; celles que vous avez décidées restent, sans votre nom.",
        erase=_delete_addressed_and_forget_author((), "decided_by"),
        not_personal={"decided_by": "l’agent du support qui a décidé"},
        rectification=RECTIFICATION_BY_REQUEST,
    )
)


def _leave(relation: str):
    def erase(rows, erasing) -> None:
        for row in rows:
            getattr(row, relation).remove(erasing.subject.user)

    return erase


register_personal_data(
    PersonalData(
        model=Expert,
        service=CE,
        label="Vos équipes d’experts",
        fields=("name", "antenne"),
        owner=by_user("users"),
        erasure=Erasure.DELETED,
        erasure_note="Vous n’êtes plus membre de ces équipes (elles ne vous transmettent plus de besoins).",
        erase=_leave("users"),
        not_personal={
            "email": "adresse de l’équipe",
            "phone": "téléphone de l’équipe",
            "users": "les membres de l’équipe : seule votre appartenance est exportée",
        },
    )
)
register_personal_data(
    PersonalData(
        model=Antenne,
        service=CE,
        label="Antennes dont vous êtes responsable",
        fields=("name", "institution"),
        owner=by_user("managers"),
        erasure=Erasure.DELETED,
        erasure_note="Vous n’en êtes plus responsable.",
        erase=_leave("managers"),
        not_personal={"managers": "les responsables de l’antenne : seule votre fonction est exportée"},
    )
)
register_personal_data(
    PersonalData(
        model=Absence,
        service=CE,
        label="Vos absences",
        fields=("user", "starts_on", "ends_on"),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées.",
        not_personal={"created_by": "l’agent qui a saisi l’absence"},
    )
)


def _delete_exports(rows):
    for job in rows:
        delete_after_commit(job.file)
    rows.delete()


register_personal_data(
    PersonalData(
        model=ExportJob,
        service=CE,
        label="Vos exports du tableau de bord",
        fields=("requested_by", "name", "extension", "query", "status", "created_at", "expires_at"),
        owner=by_user("requested_by"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimés avec leur fichier (ils le sont de toute façon 24 heures après leur création).",
        erase=lambda rows, erasing: _delete_exports(rows),
        not_personal={"file": "le fichier de l’export, supprimé avec la ligne ; il n’est pas joint à l’export"},
    )
)
