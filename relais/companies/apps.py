from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "relais.companies"
    label = "companies"
    verbose_name = "Entreprises"
