"""Conseillers-Entreprises in the privacy registry (seed 000 art. 6, seed 001 "mentions d'information").

- A company's contact data and requests are anonymised 3 years after the company's last use of the service: its
  last request, or the last exchange about its needs (a transmission, a position, a message, a survey answer). The
  subject, theme, establishment (NAF, staff size, commune), dates and statuses stay, so `/stats/` does not move;
  the contact, the descriptions and the thread are erased.
- An advisor's account is warned 30 days before 2 years without use, then closed: their personal data is deleted,
  their positions stay signed "Ancien conseiller".
- The newsletter forgets an unsubscribed address at once, and a subscription never confirmed after 30 days.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from relais.accounts.privacy import anonymise_account
from relais.core.uploads import delete_after_commit
from relais.notifications.services import queue_email
from relais.privacy.enums import Erasure, RetentionAction, Service
from relais.privacy.registry import (
    RECTIFICATION_BY_REQUEST,
    DataSubject,
    Duration,
    LegalSource,
    Objection,
    PersonalData,
    RetentionRule,
    by_email,
    by_user,
    declare_not_personal,
    either,
    register_objection,
    register_personal_data,
    register_rule,
)
from relais.privacy.services.objections import has_objected, object_to
from relais.privacy.services.personal_data import erase_subject

from .models import (
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
    Match,
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
from .services.satisfaction import SATISFACTION_SURVEYS

CE = Service.CONSEILLERS_ENTREPRISES
FORMER_ADVISOR = "Ancien conseiller"
USERS_DATA = LegalSource(
    "CGU Place des Entreprises",
    "article 6.4 (« conservées pour un délai de 3 ans à compter de la dernière utilisation du service »)",
)
ACCOUNT_DATA = LegalSource(
    "CGU Place des Entreprises",
    "article 6.4 (compte conservé « dans un délai de 2 ans à compter de la dernière utilisation du compte »)",
)
NEWSLETTER = LegalSource("CGU Place des Entreprises, article 4.3 (lettre d’information) ; RGPD, articles 7.3 et 17")
KEPT_FOR_STATISTICS = (
    "sujet et thème",
    "établissement (SIRET, code NAF, tranche d’effectif, commune)",
    "dates",
    "statuts des demandes, des besoins et des mises en relation",
    "réponses oui/non de l’enquête de satisfaction",
)


# Anonymisation: one function, for the retention rules and for the erasure of a person ---------------------------


def anonymise(*, solicitation_ids=(), diagnosis_ids=(), now=None) -> int:
    """Erase the company contact of these solicitations and analyses, with what hangs from them: the descriptions,
    the thread, the experts' reasons, the survey comments, the recipients of the follow-up emails. What the
    statistics count stays (subjects, establishment, dates, statuses). Returns the number of needs concerned.

    Every statement filters on a list of primary keys: each touches only the rows of this batch, by index.
    """
    now = now or timezone.now()
    diagnosis_ids = set(diagnosis_ids) | set(
        Diagnosis.objects.filter(solicitation_id__in=list(solicitation_ids)).values_list("pk", flat=True)
    )
    solicitation_ids = set(solicitation_ids) | set(
        Diagnosis.objects.filter(pk__in=list(diagnosis_ids), solicitation__isnull=False).values_list(
            "solicitation_id", flat=True
        )
    )
    Solicitation.objects.filter(pk__in=list(solicitation_ids)).update(
        first_name="", last_name="", phone="", email="", description="", origin_url="", tracking={}, anonymised_at=now
    )
    Diagnosis.objects.filter(pk__in=list(diagnosis_ids)).update(
        content="", contact_name="", contact_email="", contact_phone="", anonymised_at=now
    )
    need_ids = list(Need.objects.filter(diagnosis_id__in=list(diagnosis_ids)).values_list("pk", flat=True))
    Need.objects.filter(pk__in=need_ids).exclude(content="").update(content="")
    NeedComment.objects.filter(need_id__in=need_ids).delete()
    match_ids = list(Match.objects.filter(need_id__in=need_ids).values_list("pk", flat=True))
    MatchStatusChange.objects.filter(match_id__in=match_ids).exclude(reason="").update(reason="")
    SatisfactionAnswer.objects.filter(need_id__in=need_ids).exclude(comment="").update(comment="")
    CompanyEmailSent.objects.filter(need_id__in=need_ids).exclude(recipient="").update(recipient="")
    ReminderAction.objects.filter(need_id__in=need_ids).exclude(message="").update(message="")
    return len(need_ids)


def _not_used_since(queryset, cutoff, *, analysis: str, establishment: str, contact: str):
    """Rows whose company made no request and had no exchange since `cutoff`: each test is its own NOT EXISTS,
    which PostgreSQL runs as an anti-join probing the indexes row by row for a batch (an OR of them would make it
    hash every recent row of each table for each batch). A blank contact address matches no other request."""
    queryset = queryset.annotate(company_contact=NullIf(contact, Value("")))
    exclusions = [
        Solicitation.objects.filter(email=OuterRef("company_contact"), submitted_at__gte=cutoff),
        Diagnosis.objects.filter(establishment=OuterRef(establishment), created_at__gte=cutoff),
    ]
    if analysis:
        exclusions += [
            Match.objects.filter(need__diagnosis=OuterRef(analysis), sent_at__gte=cutoff),
            MatchStatusChange.objects.filter(match__need__diagnosis=OuterRef(analysis), created_at__gte=cutoff),
            NeedComment.objects.filter(need__diagnosis=OuterRef(analysis), created_at__gte=cutoff),
            SatisfactionAnswer.objects.filter(need__diagnosis=OuterRef(analysis), created_at__gte=cutoff),
        ]
    for exclusion in exclusions:
        queryset = queryset.exclude(Exists(exclusion))
    return queryset


def diagnoses_due(cutoff):
    """Analyses (with their solicitation, if any) of companies that used the service last before `cutoff`."""
    old = Diagnosis.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff).filter(
        Q(solicitation__submitted_at__lt=cutoff) | Q(solicitation__submitted_at__isnull=True)
    )
    return _not_used_since(old, cutoff, analysis="pk", establishment="establishment", contact="solicitation__email")


def solicitations_due(cutoff):
    """Requests that never became an analysis (drafts, cancelled, still open) whose company has not come back."""
    old = Solicitation.objects.filter(anonymised_at__isnull=True, diagnosis__isnull=True, created_at__lt=cutoff).filter(
        Q(submitted_at__lt=cutoff) | Q(submitted_at__isnull=True)
    )
    return _not_used_since(old, cutoff, analysis="", establishment="establishment", contact="email")


register_rule(
    RetentionRule(
        name="ce-entreprises",
        service=CE,
        data="Coordonnées des dirigeants, description et contexte de leurs besoins, fil d’échanges des conseillers",
        duration=Duration(years=3),
        starting_event="la dernière utilisation du service par l’entreprise (dernière demande ou dernier échange)",
        action=RetentionAction.ANONYMISE,
        source=USERS_DATA,
        due=diagnoses_due,
        date_field="created_at",
        apply=lambda ids: anonymise(diagnosis_ids=ids),
        kept=KEPT_FOR_STATISTICS,
        # 250 analyses (500 needs) a batch: ~150 ms a transaction on PostgreSQL, well under a second when loaded.
        batch_size=250,
    )
)
register_rule(
    RetentionRule(
        name="ce-demandes-non-transmises",
        service=CE,
        data="Demandes jamais transmises (brouillons, abandonnées) : coordonnées et description",
        duration=Duration(years=3),
        starting_event="la dernière demande de l’entreprise",
        action=RetentionAction.ANONYMISE,
        source=USERS_DATA,
        due=solicitations_due,
        date_field="created_at",
        apply=lambda ids: anonymise(solicitation_ids=ids),
        kept=KEPT_FOR_STATISTICS,
        # 250 analyses (500 needs) a batch: ~150 ms a transaction on PostgreSQL, well under a second when loaded.
        batch_size=250,
    )
)


# Advisors' accounts ---------------------------------------------------------------------------------------------


def advisors_due(cutoff):
    """Agents of an expert team or managers of an antenne whose account was last used before `cutoff`."""
    user_model = get_user_model()
    in_a_team = Exists(Expert.users.through.objects.filter(user_id=OuterRef("pk")))
    managing = Exists(Antenne.managers.through.objects.filter(user_id=OuterRef("pk")))
    return (
        user_model.objects.filter(in_a_team | managing)
        .annotate(last_used_at=Coalesce("last_login", "date_joined"))
        .filter(last_used_at__lt=cutoff)
    )


def warn_advisors(users, deadline) -> None:
    for user in users:
        queue_email(
            to=[user.email],
            template="conseillers_entreprises/emails/advisor_retention_warning",
            context={"user_name": user.get_short_name(), "deadline": deadline, "login_path": reverse("accounts:login")},
        )


def retire_advisors(ids) -> None:
    for user in get_user_model().objects.filter(pk__in=ids):
        erase_subject(subject=DataSubject.of_user(user), actor=None, reason="compte de conseiller inutilisé 2 ans")
        anonymise_account(
            user=user,
            display_name=FORMER_ADVISOR,
            reason="Compte inutilisé pendant 2 ans : données personnelles supprimées.",
        )


register_rule(
    RetentionRule(
        name="ce-comptes-conseillers",
        service=CE,
        data="Comptes des conseillers : identité, coordonnées professionnelles, équipes, absences",
        duration=Duration(years=2),
        starting_event="la dernière connexion au compte",
        action=RetentionAction.DEACTIVATE_THEN_DELETE,
        source=ACCOUNT_DATA,
        due=advisors_due,
        date_field="last_used_at",
        apply=retire_advisors,
        warning=Duration(days=30),
        warn=warn_advisors,
        batch_size=50,
    )
)
register_rule(
    RetentionRule(
        name="ce-invitations-conseillers",
        service=CE,
        data="Invitations envoyées aux conseillers",
        duration=Duration(years=2),
        starting_event="l’envoi de l’invitation",
        action=RetentionAction.DELETE,
        source=ACCOUNT_DATA,
        due=lambda cutoff: AdvisorInvitation.objects.filter(sent_at__lt=cutoff),
        date_field="sent_at",
    )
)
register_rule(
    RetentionRule(
        name="ce-demandes-de-compte",
        service=CE,
        data="Demandes de compte des conseillers",
        duration=Duration(years=2),
        starting_event="la demande",
        action=RetentionAction.DELETE,
        source=ACCOUNT_DATA,
        due=lambda cutoff: AccountRequest.objects.filter(created_at__lt=cutoff),
        date_field="created_at",
    )
)


# Newsletter -----------------------------------------------------------------------------------------------------

register_rule(
    RetentionRule(
        name="ce-lettre-desinscriptions",
        service=CE,
        data="Adresses désinscrites de la lettre d’information",
        duration=Duration(),
        starting_event="la désinscription",
        action=RetentionAction.DELETE,
        source=NEWSLETTER,
        due=lambda cutoff: NewsletterSubscription.objects.filter(unsubscribed_at__lt=cutoff),
        date_field="unsubscribed_at",
    )
)
register_rule(
    RetentionRule(
        name="ce-lettre-non-confirmees",
        service=CE,
        data="Inscriptions à la lettre d’information jamais confirmées (double confirmation)",
        duration=Duration(days=30),
        starting_event="la demande d’inscription",
        action=RetentionAction.DELETE,
        source=NEWSLETTER,
        due=lambda cutoff: NewsletterSubscription.objects.filter(
            confirmed_at__isnull=True, unsubscribed_at__isnull=True, updated_at__lt=cutoff
        ),
        date_field="updated_at",
    )
)


def _subscription(subject: DataSubject):
    return NewsletterSubscription.objects.filter(email__iexact=subject.email, unsubscribed_at__isnull=True).first()


def _unsubscribe(subject: DataSubject) -> None:
    from .services.newsletter import unsubscribe

    subscription = _subscription(subject)
    if subscription is not None:
        unsubscribe(subscription=subscription)


register_objection(
    Objection(
        slug="ce-lettre-information",
        service=CE,
        label="Lettre d’information de Conseillers-Entreprises",
        description="Ne plus recevoir la lettre d’information (votre adresse est alors effacée).",
        active=lambda subject: _subscription(subject) is not None,
        objecting=lambda subject: _subscription(subject) is None,
        object=_unsubscribe,
    )
)
register_objection(
    Objection(
        slug=SATISFACTION_SURVEYS,
        service=CE,
        label="Enquêtes de satisfaction de Conseillers-Entreprises",
        description="Ne plus recevoir l’enquête envoyée après l’échange avec un conseiller.",
        active=lambda subject: Solicitation.objects.filter(email__iexact=subject.email).exists(),
        objecting=lambda subject: has_objected(purpose=SATISFACTION_SURVEYS, email=subject.email),
        object=lambda subject: object_to(purpose=SATISFACTION_SURVEYS, email=subject.email),
    )
)


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
