from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache_in_production(app_configs, **kwargs):
    """Rate limits, login throttling and API quotas are counted in the cache: per process they would let each web
    process, on each machine, grant the whole allowance again."""
    if settings.CACHES["default"]["BACKEND"] == "relais.core.cache.FallbackRedisCache":
        return []
    return [
        Warning(
            "Le cache n'est pas partagé entre les processus : les limites de connexion, de dépôt et les quotas "
            "d'API sont comptés par processus.",
            hint="Définissez CACHE_URL=redis://hote:6379/0 (Redis est requis en production).",
            id="relais.W001",
        )
    ]
