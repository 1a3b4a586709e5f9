from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class ConseillersEntreprisesConfig(AppConfig):
    name = "relais.conseillers_entreprises"
    label = "conseillers_entreprises"
    verbose_name = "Conseillers-Entreprises"

    def ready(self):
        from .permissions import remember_support_role

        user_logged_in.connect(remember_support_role, dispatch_uid="conseillers_entreprises_support_role")

        from .permissions import remember_workspace_roles

        user_logged_in.connect(remember_workspace_roles, dispatch_uid="conseillers_entreprises_workspace_roles")
