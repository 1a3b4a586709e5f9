"""Conseiller numérique in the privacy registry: candidates and structures' contacts (30 months after the
confirmation email, seed "Durée de conservation"), CVs (6 months after upload), unconfirmed applications
(30 days), and the objection to the public map."""

from django.db import transaction

from relais.core.uploads import delete_after_commit
from relais.privacy.enums import Erasure, RetentionAction, Service
from relais.privacy.registry import (
    Duration,
    LegalSource,
    Objection,
    PersonalData,
    RetentionRule,
    by_email,
    by_user,
    either,
    register_objection,
    register_personal_data,
    register_rule,
)

from .enums import CandidateStatus, StructureStatus
from .models import (
    ActivityPlace,
    Agent,
    Candidate,
    HostStructure,
    MatchStatusChange,
    PrefectOpinion,
    RecruitmentMatch,
    StructureDecision,
)

SEED = LegalSource("CGU Conseiller numérique France Services", "Durée de conservation des traitements de données")
SERVICE = Service.CONSEILLER_NUMERIQUE

register_personal_data(
    PersonalData(
        model=Candidate,
        service=SERVICE,
        label="Votre candidature de conseiller numérique",
        fields=(
            "user",
            "first_name",
            "last_name",
            "email",
            "phone",
            "commune",
            "is_job_seeker",
            "is_employed",
            "is_in_training",
            "has_diploma",
            "diploma_name",
            "has_experience",
            "available_from",
            "max_distance_km",
            "motivation",
            "cv",
            "cv_uploaded_at",
            "status",
            "confirmed_at",
            "last_activity_at",
            "pix_level",
            "pix_date",
            "pix_scores",
            "pix_shared",
            "professional_email",
            "professional_phone",
            "opposes_publication",
        ),
        owner=either(by_user("user"), by_email("email")),
        erasure=Erasure.DELETED,
        erasure_note="Votre candidature est supprimée avec votre CV et vos mises en relation.",
        rectification="conseiller_numerique:candidate_space",
        not_personal={
            "latitude": "le centre de la commune choisie (donnée publique du référentiel)",
            "longitude": "le centre de la commune choisie (donnée publique du référentiel)",
        },
    )
)
register_personal_data(
    PersonalData(
        model=HostStructure,
        service=SERVICE,
        label="Contact d'une structure accueillante",
        fields=("contact_first_name", "contact_last_name", "contact_function", "contact_email", "contact_phone"),
        not_personal={"address": "l'adresse de l'établissement de la structure (donnée publique du répertoire SIRENE)"},
        owner=by_email("contact_email"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Vos coordonnées de contact sont retirées de la candidature de la structure.",
        erase=lambda rows, erasing: rows.update(
            contact_first_name="", contact_last_name="", contact_function="", contact_email="", contact_phone=""
        ),
        rectification="privacy:request_form",
    )
)
register_personal_data(
    PersonalData(
        model=RecruitmentMatch,
        service=SERVICE,
        label="Vos mises en relation et contrats",
        fields=(
            "structure",
            "status",
            "contract_type",
            "contract_start",
            "contract_end",
            "gross_salary",
            "recruited_at",
            "rupture_date",
            "rupture_reason",
        ),
        owner=either(by_user("candidate__user"), by_email("candidate__email")),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées avec votre candidature.",
        not_personal={"candidate": "le lien vers la candidature, déjà exportée"},
    )
)
register_personal_data(
    PersonalData(
        model=ActivityPlace,
        service=SERVICE,
        label="Vos lieux d'activité",
        fields=("name", "address", "commune", "phone", "email", "website", "opening_hours", "access"),
        owner=either(by_user("advisor__user"), by_email("advisor__email")),
        erasure=Erasure.DELETED,
        erasure_note="Supprimés avec votre candidature.",
        not_personal={"advisor": "le lien vers la candidature, déjà exportée"},
    )
)
register_personal_data(
    PersonalData(
        model=PrefectOpinion,
        service=SERVICE,
        label="Avis donnés en préfecture",
        fields=("structure", "opinion", "comment", "author", "created_at"),
        owner=by_user("author"),
        erasure=Erasure.ANONYMISED,
        erasure_note="L'avis reste, sans votre nom.",
        erase=lambda rows, erasing: rows.update(author=None),
    )
)
register_personal_data(
    PersonalData(
        model=StructureDecision,
        service=SERVICE,
        label="Décisions prises sur des structures",
        fields=("structure", "to_status", "comment", "author", "created_at"),
        owner=by_user("author"),
        erasure=Erasure.ANONYMISED,
        erasure_note="La décision reste, sans votre nom.",
        erase=lambda rows, erasing: rows.update(author=None),
    )
)
register_personal_data(
    PersonalData(
        model=MatchStatusChange,
        service=SERVICE,
        label="Changements de statut de mises en relation faits par vous",
        fields=("match", "to_status", "actor", "created_at"),
        owner=by_user("actor"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Le changement reste, sans votre nom.",
        erase=lambda rows, erasing: rows.update(actor=None),
    )
)
register_personal_data(
    PersonalData(
        model=Agent,
        service=SERVICE,
        label="Votre rôle de préfecture ou d'équipe nationale",
        fields=("user", "kind", "department"),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimé avec votre compte.",
    )
)


def _delete_candidates(ids: list[int]) -> None:
    with transaction.atomic():
        for candidate in Candidate.objects.filter(pk__in=ids).exclude(cv=""):
            delete_after_commit(candidate.cv)
        Candidate.objects.filter(pk__in=ids).delete()


def _drop_cvs(ids: list[int]) -> None:
    with transaction.atomic():
        for candidate in Candidate.objects.filter(pk__in=ids).exclude(cv=""):
            delete_after_commit(candidate.cv)
        Candidate.objects.filter(pk__in=ids).update(cv="", cv_uploaded_at=None)


register_rule(
    RetentionRule(
        name="cn-candidatures-non-confirmees",
        service=SERVICE,
        data="Candidatures de conseiller numérique jamais confirmées par courriel",
        duration=Duration(days=30),
        starting_event="le dépôt de la candidature",
        action=RetentionAction.DELETE,
        source=SEED,
        due=lambda cutoff: Candidate.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff),
        date_field="created_at",
        apply=_delete_candidates,
    )
)
register_rule(
    RetentionRule(
        name="cn-structures-non-confirmees",
        service=SERVICE,
        data="Candidatures de structures accueillantes jamais confirmées par courriel",
        duration=Duration(days=30),
        starting_event="le dépôt de la candidature",
        action=RetentionAction.DELETE,
        source=SEED,
        due=lambda cutoff: HostStructure.objects.filter(status=StructureStatus.UNCONFIRMED, created_at__lt=cutoff),
        date_field="created_at",
    )
)
register_rule(
    RetentionRule(
        name="cn-cv",
        service=SERVICE,
        data="CV des candidats",
        duration=Duration(months=6),
        starting_event="le dépôt du CV",
        action=RetentionAction.ANONYMISE,
        source=SEED,
        due=lambda cutoff: Candidate.objects.exclude(cv="").filter(cv_uploaded_at__lt=cutoff),
        date_field="cv_uploaded_at",
        apply=_drop_cvs,
        kept=("la candidature, sans son CV",),
    )
)
register_rule(
    RetentionRule(
        name="cn-candidats",
        service=SERVICE,
        data="Données des personnes postulant au poste de conseiller numérique (hors conseillers en poste)",
        duration=Duration(months=30),
        starting_event="la réception du courriel de confirmation",
        action=RetentionAction.DELETE,
        source=SEED,
        due=lambda cutoff: Candidate.objects.filter(confirmed_at__lt=cutoff).exclude(status=CandidateStatus.RECRUITED),
        date_field="confirmed_at",
        apply=_delete_candidates,
    )
)
register_rule(
    RetentionRule(
        name="cn-contacts-des-structures",
        service=SERVICE,
        data="Données des membres, personnels ou agents des structures (contact de la candidature)",
        duration=Duration(months=30),
        starting_event="la réception du courriel de confirmation",
        action=RetentionAction.ANONYMISE,
        source=SEED,
        due=lambda cutoff: HostStructure.objects.filter(confirmed_at__lt=cutoff).exclude(contact_email=""),
        date_field="confirmed_at",
        apply=lambda ids: HostStructure.objects.filter(pk__in=ids).update(
            contact_first_name="", contact_last_name="", contact_function="", contact_email="", contact_phone=""
        ),
        kept=("la structure, ses statuts et ses postes",),
    )
)


def _advisor(subject) -> Candidate | None:
    if subject.user is None:
        return None
    return Candidate.objects.advisors().filter(user=subject.user).first()


register_objection(
    Objection(
        slug="cn-carte-publique",
        service=SERVICE,
        label="Publication sur la carte des conseillers numériques",
        description="Votre nom et vos coordonnées professionnelles n'apparaissent plus sur la carte publique, dans sa "
        "liste ni dans les données ouvertes ; vos lieux d'activité restent, sans votre nom.",
        active=lambda subject: _advisor(subject) is not None,
        objecting=lambda subject: bool((advisor := _advisor(subject)) and advisor.opposes_publication),
        object=lambda subject: (
            Candidate.objects.filter(user=subject.user).update(opposes_publication=True) if subject.user else None
        ),
    )
)
