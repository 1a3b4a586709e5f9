import logging

from django.db import transaction

from relais.accounts.models import User

from ..models import Partner
from ..webhooks import new_secret

logger = logging.getLogger(__name__)


@transaction.atomic
def configure_webhook(*, partner: Partner, url: str, regenerate_secret: bool, actor: User | None) -> Partner:
    """Set (or clear) the partner's webhook; a secret is generated with the first address, or on demand."""
    locked = Partner.objects.select_for_update().get(pk=partner.pk)
    locked.webhook_url = url
    if url and (regenerate_secret or not locked.webhook_secret):
        locked.webhook_secret = new_secret()
    locked.save(update_fields=["webhook_url", "webhook_secret", "updated_at"])
    logger.info("Webhook de %s changé par %s : %s", locked, actor, url or "aucun")
    return locked
