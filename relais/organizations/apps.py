from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "relais.organizations"
    label = "organizations"
    verbose_name = "Organisations et habilitations"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
