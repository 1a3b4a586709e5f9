from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "relais.api"
    label = "api"
    verbose_name = "API publique"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import permissions, webhooks

        webhooks.connect_signals()
        user_logged_in.connect(permissions.remember_partner_role, dispatch_uid="api_remember_partner_role")
