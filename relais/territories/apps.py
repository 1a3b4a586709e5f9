from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "relais.territories"
    label = "territories"
    verbose_name = "Territoires"
