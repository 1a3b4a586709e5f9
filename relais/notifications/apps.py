from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "relais.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from relais.core import health

        from .health import check_outbox

        health.register("outbox", check_outbox)
