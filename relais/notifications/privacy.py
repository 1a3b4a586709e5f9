"""The outbox in the privacy registry: emails hold their recipients' addresses and what was written to them."""

from django.db.models import Q

from relais.privacy.enums import Erasure, RetentionAction, Service
from relais.privacy.registry import (
    Duration,
    LegalSource,
    PersonalData,
    RetentionRule,
    register_personal_data,
    register_rule,
)

from .enums import EmailStatus
from .models import Email


def _addressed_to(subject):
    if not subject.email:
        return None
    # The recipients are a JSON list: the quoted address matches one element exactly, whatever the database.
    quoted = f'"{subject.email}"'
    return Q(to__icontains=quoted) | Q(cc__icontains=quoted) | Q(reply_to__icontains=quoted)


register_personal_data(
    PersonalData(
        model=Email,
        service=Service.PLATFORM,
        label="Courriels qui vous ont été envoyés (30 derniers jours)",
        fields=("created_at", "sent_at", "status", "to", "cc", "reply_to", "subject", "text_body"),
        owner=_addressed_to,
        erasure=Erasure.DELETED,
        erasure_note="Supprimés.",
        not_personal={"html_body": "le même message que le texte, mis en forme"},
    )
)
register_rule(
    RetentionRule(
        name="courriels-envoyes",
        service=Service.PLATFORM,
        data="Courriels envoyés (destinataires et contenu)",
        duration=Duration(days=30),
        starting_event="l’envoi",
        action=RetentionAction.DELETE,
        source=LegalSource("RGPD, article 5.1.e (limitation de la conservation) : la trace d’un envoi sert au support"),
        due=lambda cutoff: Email.objects.filter(status=EmailStatus.SENT, sent_at__lt=cutoff),
        date_field="sent_at",
        batch_size=2000,
    )
)
