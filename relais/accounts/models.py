import hashlib
import hmac
from datetime import timedelta

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from relais.core.models import PublicIdModel

from .enums import Civility, RevocationReason, SignupStep, VerificationPurpose
from .signals import access_revoked

_CREDENTIALS_SALT = "relais.accounts.User.credentials_fingerprint"
_SESSION_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        # Stored lowercased, so that the unique index makes the address unique whatever its case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, email):
        return self.get(email=self.normalize_email(email))

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(PublicIdModel, AbstractBaseUser, PermissionsMixin):
    """One account per person, identified by an email that is unique whatever its case."""

    email = models.EmailField(
        "adresse électronique",
        max_length=254,
        unique=True,
        error_messages={"unique": "Un compte existe déjà avec cette adresse électronique."},
    )
    civility = models.CharField("civilité", max_length=16, choices=Civility.choices, blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=32, blank=True)
    is_staff = models.BooleanField(
        "équipe d'administration",
        default=False,
        help_text="Peut se connecter à l'administration et reste servi pendant une maintenance.",
    )
    is_active = models.BooleanField(
        "actif",
        default=True,
        help_text="Un compte désactivé ne peut plus se connecter ; la désactivation est réversible.",
    )
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    email_verified_at = models.DateTimeField("adresse vérifiée le", null=True, blank=True)
    # Null while a self-service sign-up is under way (the email is then reserved but the account cannot use the
    # services). The default says "complete" so that accounts made any other way (administration, commands,
    # demo data, other apps' factories) are usable as they are: only the sign-up workflow opts in.
    signup_completed_at = models.DateTimeField("inscription terminée le", null=True, blank=True, default=timezone.now)
    deactivated_at = models.DateTimeField("désactivé le", null=True, blank=True)
    deactivation_reason = models.CharField("motif de la désactivation", max_length=255, blank=True)
    # The state of the suspension in force, copied from its AccountSuspension row (the history): the backend reads
    # it on every request, so it must not cost a query.
    suspended_at = models.DateTimeField("suspendu le", null=True, blank=True)
    suspended_until = models.DateTimeField(
        "suspendu jusqu'au", null=True, blank=True, help_text="Vide : jusqu'à la levée de la suspension."
    )
    credentials_revoked_at = models.DateTimeField(
        "accès révoqués le",
        null=True,
        blank=True,
        editable=False,
        help_text="Les sessions et les liens sécurisés émis avant cette date ne valent plus.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def get_full_name(self):
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_suspended(self) -> bool:
        """A suspension in force; one whose end date has passed ends by itself."""
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > timezone.now()

    def credentials_fingerprint(self) -> str:
        """Changes with the password and with every revocation: what a secure link or a session carries, so that
        they die with a password change, a compromise report, a deactivation or a suspension."""
        return salted_hmac(_CREDENTIALS_SALT, self._credentials_state()).hexdigest()[:24]

    def _credentials_state(self) -> str:
        if self.credentials_revoked_at is None:
            return self.password
        return f"{self.password}|{self.credentials_revoked_at.isoformat()}"

    def _get_session_auth_hash(self, secret=None):
        # Django's own hash covers the password only; a revocation must end sessions as well. Left as Django's
        # for accounts never revoked, so that no session ends merely because this code is deployed.
        return salted_hmac(_SESSION_SALT, self._credentials_state(), secret=secret, algorithm="sha256").hexdigest()

    def save(self, *args, **kwargs):
        password_changed = self._password is not None and not self._state.adding
        self.email = UserManager.normalize_email(self.email)
        super().save(*args, **kwargs)
        if password_changed:
            # Every way a password changes (Mon compte, reset link, administration) ends the access of the
            # connected services; sessions end by themselves since they carry a hash of the password.
            access_revoked.send(sender=User, user=self, reason=RevocationReason.PASSWORD_CHANGED)

    @property
    def signup_step(self) -> SignupStep | None:
        """The next missing sign-up step, or None once the sign-up is complete."""
        if self.signup_completed_at is not None:
            return None
        if not (self.civility and self.last_name and self.first_name and self.phone):
            return SignupStep.IDENTITY
        return SignupStep.COMPANY


VERIFICATION_VALIDITY = timedelta(minutes=60)
MAX_CODE_ATTEMPTS = 5


class EmailVerificationQuerySet(models.QuerySet):
    def valid(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class EmailVerification(PublicIdModel):
    """A 6-digit code and a link sent to an address to prove that its owner asked for it.

    Only hashes are stored: a copy of the table does not let anyone verify an address. The link carries the
    row's public id and a random token; the code is checked against the row of the current session, with a
    bounded number of attempts, since six digits alone could be guessed.
    """

    email = models.EmailField("adresse électronique", max_length=254, db_index=True)
    purpose = models.CharField("objet", max_length=16, choices=VerificationPurpose.choices)
    user = models.ForeignKey(
        "accounts.User",
        verbose_name="compte",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_verifications",
        help_text="Le compte qui change d'adresse ; vide pour une création de compte.",
    )
    code_hash = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField("essais de code", default=0)
    created_at = models.DateTimeField("envoyé le", default=timezone.now, db_index=True)
    expires_at = models.DateTimeField("expire le")
    verified_at = models.DateTimeField("vérifiée le", null=True, blank=True)

    objects = EmailVerificationQuerySet.as_manager()

    class Meta:
        verbose_name = "vérification d'adresse électronique"
        verbose_name_plural = "vérifications d'adresse électronique"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.get_purpose_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def hash_code(self, code: str) -> str:
        return salted_hmac("relais.accounts.EmailVerification.code", f"{self.public_id}:{code}").hexdigest()

    def set_secrets(self, *, code: str, token: str) -> None:
        self.code_hash = self.hash_code(code)
        self.token_hash = self.hash_token(token)

    def matches_code(self, code: str) -> bool:
        return hmac.compare_digest(self.code_hash, self.hash_code(code))

    def matches_token(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, self.hash_token(token))

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


def until_label(moment) -> str:
    """ "jusqu'au 14/12/2026 inclus" for a suspension ending at midnight (as the administration sets them), else with
    the time; "jusqu'à sa levée" without an end."""
    if moment is None:
        return "jusqu'à sa levée"
    local = timezone.localtime(moment)
    if (local.hour, local.minute) == (0, 0):
        return f"jusqu'au {local - timedelta(days=1):%d/%m/%Y} inclus"
    return f"jusqu'au {local:%d/%m/%Y à %H:%M}"


class AccountSuspensionQuerySet(models.QuerySet):
    def in_force(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at__isnull=True, starts_at__lte=now).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        )


class AccountSuspension(PublicIdModel):
    """One suspension of an account (seed 001 art. 6.1, seed 002 art. 8, seed 004): who decided it, why, until
    when, and who lifted it. Rows are never deleted with the suspension: they are its log."""

    user = models.ForeignKey(User, verbose_name="compte", on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField("motif", help_text="Communiqué à la personne.")
    starts_at = models.DateTimeField("depuis le", default=timezone.now)
    ends_at = models.DateTimeField("jusqu'au", null=True, blank=True, help_text="Vide : jusqu'à sa levée.")
    suspended_by = models.ForeignKey(
        User, verbose_name="décidée par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField("levée le", null=True, blank=True)
    lifted_by = models.ForeignKey(
        User, verbose_name="levée par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField("motif de la levée", blank=True)

    objects = AccountSuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = "suspension de compte"
        verbose_name_plural = "suspensions de comptes"
        ordering = ["-starts_at"]

    def __str__(self):
        return f"Suspension de {self.user} du {timezone.localtime(self.starts_at):%d/%m/%Y}"

    @property
    def until_label(self) -> str:
        return until_label(self.ends_at)
