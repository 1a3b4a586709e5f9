from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "relais.assistance"
    label = "assistance"
    verbose_name = "Assistance"
