from django.conf import settings
from django.core.cache import cache
from dsfr.models import DsfrConfig

from .navigation import main_menu

DSFR_CONFIG_CACHE_KEY = "core:dsfr-config"


def _dsfr_config():
    # django-dsfr's own context processor queries the table on every page; the row changes only in the admin.
    config = cache.get(DSFR_CONFIG_CACHE_KEY)
    if config is None:
        config = DsfrConfig.objects.filter(language="fr").first() or DsfrConfig.objects.first()
        cache.set(DSFR_CONFIG_CACHE_KEY, config, 300)
    return config


def site(request):
    return {
        "SITE_CONFIG": _dsfr_config(),
        "main_menu": main_menu(request.path),
        "SITE_URL": settings.SITE_URL,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
    }
