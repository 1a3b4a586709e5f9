"""An email backend that writes into the outbox, so that the emails Django and libraries send themselves
(`send_mail`, admin error reports…) are sent after commit and retried like ours (settings.EMAIL_BACKEND).

The outbox then delivers them with settings.EMAIL_DELIVERY_BACKEND (SMTP, console, files), never with this one.
"""

from django.core.mail.backends.base import BaseEmailBackend

from .services import queue_message


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            recipients = list(message.to or []) or list(message.cc or []) or list(message.bcc or [])
            if not recipients:
                continue
            html = next(
                (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
                "",
            )
            queue_message(
                to=list(message.to or []) or recipients,
                cc=list(message.cc or []),
                reply_to=list(message.reply_to or []),
                subject=message.subject,
                text_body=message.body,
                html_body=html,
            )
            count += 1
        return count
