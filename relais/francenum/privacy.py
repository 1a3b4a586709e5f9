"""France Num in the privacy registry: the personal data of every model of the app, and the rules of the charter
that delete structures and accounts (seed 002 art. 3: no answer for 3 months; art. 6: engagement not renewed,
amended charter not accepted)."""

from django.db.models import Count, Q

from relais.privacy.enums import Erasure, RetentionAction, Service
from relais.privacy.registry import (
    Duration,
    LegalSource,
    PersonalData,
    RetentionRule,
    by_email,
    by_user,
    register_personal_data,
    register_rule,
)

from .models import (
    Activator,
    ActivatorEvent,
    ActivatorMember,
    ContactRequest,
    Invitation,
    RegionalReviewer,
    SurveyCampaign,
    SurveyResponse,
    ThreadMessage,
)
from .services import engagement

FN = Service.FRANCENUM
CHARTER = "Charte d’engagement des activateurs France Num (16/03/2022)"


def _erase_structures(rows, erasing) -> None:
    """A structure goes with its last member; one that keeps other members stays theirs."""
    alone = rows.annotate(
        others=Count("members", filter=~Q(members__user=erasing.subject.user) & ~Q(members__status="left"))
    ).filter(others=0)
    for activator in alone:
        for field in ("logo", "foreign_proof", "experience_proof", "obligations_attestation"):
            getattr(activator, field).delete(save=False)
    Activator.objects.filter(pk__in=alone.values("pk")).delete()


register_personal_data(
    PersonalData(
        model=Activator,
        service=FN,
        label="Votre structure activateur France Num (fiche, informations de gestion, pièces justificatives)",
        fields=(
            "name",
            "address",
            "postal_code",
            "city",
            "siret",
            "website",
            "description",
            "logo",
            "head_name",
            "head_function",
            "head_email",
            "head_approved_on",
            "foreign_identifier",
            "foreign_proof",
            "experience_proof",
            "obligations_attestation",
            "status",
            "submitted_at",
            "validated_at",
            "engagement_ends_at",
            "status_reason",
        ),
        owner=by_user("members__user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimée si vous en êtes le dernier adhérent ; sinon elle reste aux autres adhérents.",
        erase=_erase_structures,
        rectification="francenum:structure",
        not_personal={
            "legal_check_details": "le résultat de la vérification automatique du site de la structure",
        },
    )
)
register_personal_data(
    PersonalData(
        model=ActivatorMember,
        service=FN,
        label="Votre adhésion et votre présentation publiée",
        fields=(
            "user",
            "role",
            "status",
            "photo",
            "job_title",
            "phone",
            "public_email",
            "presentation",
            "references",
            "suspension_reason",
            "created_at",
            "left_at",
        ),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées : vous disparaissez de la fiche de la structure.",
        rectification="francenum:profile",
    )
)
register_personal_data(
    PersonalData(
        model=Invitation,
        service=FN,
        label="Invitations à rejoindre une structure activateur",
        fields=("email", "created_at", "accepted_at"),
        owner=by_email("email"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées.",
        not_personal={"invited_by": "le référent qui a invité (sa trace, pas une donnée de la personne invitée)"},
    )
)


def _pseudonymise_events(rows, erasing) -> None:
    rows.update(actor_label=erasing.pseudonym)


register_personal_data(
    PersonalData(
        model=ActivatorEvent,
        service=FN,
        label="Vos actions au journal des structures (envoi, réponses, décisions)",
        fields=("actor", "actor_label", "kind", "reason", "created_at"),
        owner=by_user("actor"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Le journal garde l’action sous un pseudonyme.",
        erase=_pseudonymise_events,
    )
)
register_personal_data(
    PersonalData(
        model=ThreadMessage,
        service=FN,
        label="Vos messages de l’instruction des demandes",
        fields=("author", "body", "attachment", "created_at"),
        owner=by_user("author"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimés avec leurs pièces jointes.",
    )
)
register_personal_data(
    PersonalData(
        model=ContactRequest,
        service=FN,
        label="Vos prises de contact avec des activateurs France Num",
        fields=("contact_name", "company_name", "siret", "email", "phone", "message", "created_at", "acknowledged_at"),
        owner=by_email("email"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées.",
        not_personal={"acknowledged_by": "l’adhérent qui a accusé réception (trace de l’engagement de la structure)"},
    )
)


def _anonymise_answers(rows, erasing) -> None:
    rows.update(member=None, comment="")


register_personal_data(
    PersonalData(
        model=SurveyResponse,
        service=FN,
        label="Vos réponses au questionnaire annuel des activateurs",
        fields=("satisfaction", "companies_helped", "contacts_useful", "comment", "answered_at"),
        owner=by_user("member__user"),
        erasure=Erasure.ANONYMISED,
        erasure_note="Les réponses chiffrées restent dans les résultats, sans lien avec vous ; le commentaire est "
        "effacé.",
        erase=_anonymise_answers,
    )
)
register_personal_data(
    PersonalData(
        model=RegionalReviewer,
        service=FN,
        label="Votre rôle d’instructeur régional France Num",
        fields=("user", "region"),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimé.",
    )
)
register_personal_data(
    PersonalData(
        model=SurveyCampaign,
        service=FN,
        label="Campagnes de questionnaire que vous avez ouvertes",
        fields=("created_by", "title", "created_at"),
        owner=by_user("created_by"),
        erasure=Erasure.ANONYMISED,
        erasure_note="La campagne reste, sans votre nom.",
    )
)

register_rule(
    RetentionRule(
        name="francenum-demandes-sans-reponse",
        service=FN,
        data="Demandes d’adhésion restées sans réponse à une demande d’informations complémentaires, avec les "
        "comptes de leurs adhérents",
        duration=Duration(months=3),
        starting_event="la demande d’informations complémentaires",
        action=RetentionAction.DEACTIVATE_THEN_DELETE,
        source=LegalSource(CHARTER, "article 3, phase de validation"),
        due=engagement.unanswered,
        date_field="info_requested_at",
        apply=engagement.deleting(
            "Sans réponse à la demande d’informations complémentaires depuis 3 mois (charte, article 3)."
        ),
        warning=Duration(days=15),
        warn=engagement.warn_unanswered,
        batch_size=50,
    )
)
register_rule(
    RetentionRule(
        name="francenum-engagements-echus",
        service=FN,
        data="Structures sans réengagement à l’échéance des 24 mois, avec les comptes de leurs adhérents",
        duration=Duration(),
        starting_event="la fin de l’engagement de 24 mois",
        action=RetentionAction.DELETE,
        source=LegalSource(CHARTER, "article 6"),
        due=engagement.lapsed,
        date_field="engagement_ends_at",
        apply=engagement.deleting("Absence de réengagement à l’échéance des 24 mois (charte, article 6)."),
        batch_size=50,
    )
)
register_rule(
    RetentionRule(
        name="francenum-charte-non-acceptee",
        service=FN,
        data="Structures dont aucun adhérent n’a accepté la charte modifiée dans le délai de grâce de 30 jours, "
        "avec les comptes de leurs adhérents",
        duration=Duration(),
        starting_event="la fin du délai de grâce qui suit la publication d’une nouvelle version de la charte",
        action=RetentionAction.DELETE,
        source=LegalSource(CHARTER, "article 6"),
        due=engagement.without_current_charter,
        date_field="validated_at",
        apply=engagement.deleting("Charte modifiée non acceptée dans le délai de grâce (charte, article 6)."),
        batch_size=50,
    )
)
