"""Conseillers-Entreprises retention rules and objections (see the package's docstring)."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone

from relais.accounts.privacy import anonymise_account
from relais.notifications.services import queue_email
from relais.privacy.enums import RetentionAction, Service
from relais.privacy.registry import (
    DataSubject,
    Duration,
    LegalSource,
    Objection,
    RetentionRule,
    register_objection,
    register_rule,
)
from relais.privacy.services.objections import has_objected, object_to
from relais.privacy.services.personal_data import erase_subject

from ..models import (
    AccountRequest,
    AdvisorInvitation,
    Antenne,
    CompanyEmailSent,
    Diagnosis,
    Expert,
    Match,
    MatchStatusChange,
    Need,
    NeedComment,
    NewsletterSubscription,
    ReminderAction,
    SatisfactionAnswer,
    Solicitation,
)
from ..services.satisfaction import SATISFACTION_SURVEYS

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
    from ..services.newsletter import unsubscribe

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
