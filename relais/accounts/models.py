from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone

from relais.core.models import PublicIdModel

from .enums import Civility


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

    def save(self, *args, **kwargs):
        self.email = UserManager.normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def get_short_name(self):
        return self.first_name or self.email
