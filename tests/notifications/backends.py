"""Email backends that stand in for SMTP servers in trouble."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from relais.notifications.models import Email
from relais.notifications.services import deliver_email


class SMTPDownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RivalWorkerBackend(LocmemBackend):
    """While one worker talks to the server, a second worker tries to deliver every email."""

    rival_outcomes = []

    def send_messages(self, email_messages):
        for email_id in Email.objects.values_list("pk", flat=True):
            self.rival_outcomes.append(deliver_email(email_id=email_id))
        return super().send_messages(email_messages)
