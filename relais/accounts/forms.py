import phonenumbers
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.urls import reverse
from dsfr.forms import DsfrBaseForm

from relais.companies.validators import validate_siren
from relais.core.ratelimit import EmailCap

from . import throttling
from .enums import Civility
from .models import User, UserManager
from .services import suspension_message

PASSWORD_RESET_EMAILS = EmailCap("password-reset", per_address=3, per_ip=20)


class LoginForm(DsfrBaseForm, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect. Les majuscules et minuscules du mot de "
        "passe comptent.",
        "inactive": "Ce compte est désactivé : vous ne pouvez plus vous connecter. Contactez le support pour le "
        "réactiver.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Adresse électronique"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        locked = throttling.lock_message(email=email, ip=throttling.client_ip(self.request))
        if locked:
            raise forms.ValidationError(locked, code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            # The backend refuses deactivated and suspended accounts like wrong passwords; the right password on
            # such an account deserves the real reason (and reveals nothing to someone who does not know it).
            password = self.cleaned_data.get("password") or ""
            user = User.objects.filter(email=UserManager.normalize_email(email)).first()
            if user is None or not password or (user.is_active and not user.is_suspended):
                raise
            if not user.check_password(password):
                raise
            if not user.is_active:
                raise forms.ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise forms.ValidationError(suspension_message(user=user), code="suspended") from None


class OtpTokenForm(DsfrBaseForm):
    token = forms.CharField(
        label="Code de vérification",
        help_text="Les 6 chiffres affichés par votre application d'authentification, ou l'un de vos codes de secours.",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class PasswordResetForm(DsfrBaseForm, auth_forms.PasswordResetForm):
    def __init__(self, *args, ip: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.ip = ip

    def clean_email(self):
        email = UserManager.normalize_email(self.cleaned_data["email"])
        if refusal := PASSWORD_RESET_EMAILS.refusal(email=email, ip=self.ip):
            raise forms.ValidationError(refusal, code="throttled")
        return email

    def get_users(self, email):
        # Django skips accounts whose password is unusable; ours are made so after a compromise report, and
        # their owners must still be able to ask for a new link. A suspended account gets none.
        users = User.objects.filter(email=UserManager.normalize_email(email), is_active=True)
        return [user for user in users if not user.is_suspended]

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


# Sign-up ---------------------------------------------------------------------------------------------------------


class SignupEmailForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Adresse électronique professionnelle",
        help_text="Format attendu : nom@domaine.fr. Nous vous y enverrons un code de vérification.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return UserManager.normalize_email(self.cleaned_data["email"])


class VerificationCodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code de vérification",
        help_text="Les 6 chiffres reçus par courriel.",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Le code comporte 6 chiffres.")
        return code


class SignupPasswordForm(DsfrBaseForm):
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif password1:
            try:
                password_validation.validate_password(password1, User(email=self.email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# Metropolitan France and the overseas départements and collectivités, which have their own country codes.
FRENCH_PHONE_REGIONS = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"}


class IdentityForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = User
        fields = ["civility", "last_name", "first_name", "phone"]
        widgets = {
            "civility": forms.RadioSelect,
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }
        help_texts = {"phone": "Numéro français, par exemple 06 12 34 56 78 ou 01 23 45 67 89."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True
        self.fields["civility"].choices = Civility.choices
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = format_phone(self.instance.phone)

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        try:
            number = phonenumbers.parse(value, "FR")
        except phonenumbers.NumberParseException:
            number = None
        if (
            number is None
            or not phonenumbers.is_valid_number(number)
            or phonenumbers.region_code_for_number(number) not in FRENCH_PHONE_REGIONS
        ):
            raise forms.ValidationError("Saisissez un numéro de téléphone français valide, par exemple 06 12 34 56 78.")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(value, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return value


class CompanySearchForm(DsfrBaseForm):
    query = forms.CharField(
        label="Numéro SIREN ou raison sociale de votre entreprise",
        help_text="Le SIREN comporte 9 chiffres ; vous pouvez aussi taper le nom de l'entreprise.",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "company-suggestions"}),
    )

    def clean_query(self):
        query = " ".join(self.cleaned_data["query"].split())
        compact = query.replace(" ", "").replace(".", "")
        if compact.isdigit():
            return validate_siren(compact)
        if len(query) < 3:
            raise forms.ValidationError("Saisissez au moins 3 caractères de la raison sociale, ou le SIREN.")
        return query


class CompanyChoiceForm(DsfrBaseForm):
    siren = forms.CharField(widget=forms.HiddenInput)

    def clean_siren(self):
        return validate_siren(self.cleaned_data["siren"])


class CompanyConfirmForm(CompanyChoiceForm):
    accept_terms = forms.BooleanField(
        label="J'accepte les conditions générales d'utilisation du Portail de service",
        error_messages={"required": "Acceptez les conditions générales d'utilisation pour créer votre compte."},
    )


# Mon compte ------------------------------------------------------------------------------------------------------


class PasswordConfirmationForm(DsfrBaseForm):
    password = forms.CharField(
        label="Votre mot de passe actuel",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Mot de passe incorrect.")
        return password


class EmailChangeForm(PasswordConfirmationForm):
    new_email = forms.EmailField(
        label="Nouvelle adresse électronique",
        help_text="Format attendu : nom@domaine.fr. Nous y enverrons un code : elle remplacera l'actuelle une fois "
        "vérifiée.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["new_email", "password"]

    def clean_new_email(self):
        email = UserManager.normalize_email(self.cleaned_data["new_email"])
        if email == self.user.email:
            raise forms.ValidationError("C'est déjà l'adresse de votre compte.")
        return email


class DeleteAccountForm(PasswordConfirmationForm):
    pass
