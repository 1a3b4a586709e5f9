from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from dsfr.models import DsfrConfig

from .context_processors import DSFR_CONFIG_CACHE_KEY


@receiver([post_save, post_delete], sender=DsfrConfig)
def forget_dsfr_config(**kwargs):
    cache.delete(DSFR_CONFIG_CACHE_KEY)
