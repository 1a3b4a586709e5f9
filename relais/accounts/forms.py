from django.contrib.auth import forms as auth_forms
from django.urls import reverse
from dsfr.forms import DsfrBaseForm


class LoginForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect. Les majuscules et minuscules du mot de "
        "passe comptent.",
        "inactive": "Ce compte est désactivé. Contactez le support pour le réactiver.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Adresse électronique"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from relais.notifications.services import queue_email

        queue_email(
            to=[to_email],
            template="accounts/emails/password_reset",
            context={
                "reset_path": reverse(
                    "accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
                ),
                "user_name": context["user"].get_short_name(),
            },
        )


class SetPasswordForm(DsfrBaseForm, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(DsfrBaseForm, auth_forms.PasswordChangeForm):
    pass
