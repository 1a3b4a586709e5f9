from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "relais.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self):
        from . import checks, signals  # noqa: F401
        from .text import install_field_check

        install_field_check()
