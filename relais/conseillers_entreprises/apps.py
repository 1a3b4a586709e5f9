from django.apps import AppConfig


class ConseillersEntreprisesConfig(AppConfig):
    name = "relais.conseillers_entreprises"
    label = "conseillers_entreprises"
    verbose_name = "Conseillers-Entreprises"
