from django.apps import AppConfig


class ConseillerNumeriqueConfig(AppConfig):
    name = "relais.conseiller_numerique"
    label = "conseiller_numerique"
    verbose_name = "Conseiller numérique France Services"

    def ready(self):
        from . import privacy  # noqa: F401  (registers the personal data and rules)
