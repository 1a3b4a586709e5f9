from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "relais.sso"
    label = "sso"
    verbose_name = "Connexion unique (OpenID Connect)"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from relais.accounts.signals import access_revoked

        from . import services

        access_revoked.connect(services.on_access_revoked, dispatch_uid="sso.access_revoked")
        user_logged_out.connect(services.on_logged_out, dispatch_uid="sso.logged_out")
