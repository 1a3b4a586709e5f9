from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "relais.privacy"
    label = "privacy"
    verbose_name = "Données personnelles"

    def ready(self):
        from .services import audit

        audit.connect_receivers()
        # Each app declares its rules, personal data and objections in its own privacy.py, as admin.py.
        autodiscover_modules("privacy")
