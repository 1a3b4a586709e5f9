"""The Portail account in the privacy registry: the account itself, address verifications, second factors, and the
purge of sign-ups never finished."""

from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.privacy.enums import Erasure, RetentionAction, Service
from relais.privacy.registry import (
    Duration,
    LegalSource,
    PersonalData,
    RetentionRule,
    by_email,
    by_user,
    either,
    register_personal_data,
    register_rule,
)

from .models import AccountSuspension, EmailVerification, User

SIGNUP_SOURCE = LegalSource("CGU Portail de service", "6.1.1, étapes 5 et 6 (compte réservé le temps de l’inscription)")

register_personal_data(
    PersonalData(
        model=User,
        service=Service.PORTAIL,
        label="Votre compte",
        fields=(
            "email",
            "civility",
            "first_name",
            "last_name",
            "phone",
            "date_joined",
            "last_login",
            "email_verified_at",
            "signup_completed_at",
            "is_active",
            "deactivated_at",
            "deactivation_reason",
            "groups",
        ),
        owner=lambda subject: Q(pk=subject.user.pk) if subject.user is not None else None,
        erasure=Erasure.DELETED,
        erasure_note="Votre compte est supprimé : identité, coordonnées et mot de passe ; votre adresse électronique "
        "peut servir à créer un nouveau compte.",
        account=True,
        rectification="accounts:profile",
    )
)
register_personal_data(
    PersonalData(
        model=EmailVerification,
        service=Service.PORTAIL,
        label="Vérifications de votre adresse électronique",
        fields=("user", "email", "purpose", "created_at", "expires_at", "verified_at"),
        owner=either(by_user("user"), by_email("email")),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées.",
    )
)
register_personal_data(
    PersonalData(
        model=AccountSuspension,
        service=Service.PORTAIL,
        label="Suspensions de votre compte",
        fields=("user", "reason", "starts_at", "ends_at", "lifted_at", "lift_reason"),
        owner=by_user("user"),
        erasure=Erasure.DELETED,
        erasure_note="Supprimées avec votre compte.",
        not_personal={
            "suspended_by": "l’administrateur qui a décidé la suspension (sa trace, pas une donnée de la personne)",
            "lifted_by": "l’administrateur qui a levé la suspension (sa trace, pas une donnée de la personne)",
        },
    )
)
for device_model, label in (
    (TOTPDevice, "Application d’authentification (double authentification)"),
    (StaticDevice, "Codes de secours (double authentification)"),
):
    register_personal_data(
        PersonalData(
            model=device_model,
            service=Service.PORTAIL,
            label=label,
            fields=("user", "name", "confirmed", "created_at", "last_used_at"),
            owner=by_user("user"),
            erasure=Erasure.DELETED,
            erasure_note="Supprimés avec votre compte.",
        )
    )


def anonymise_account(*, user: User, display_name: str, reason: str) -> None:
    """Keep the row (what the person did stays signed by `display_name`), remove everything that identified them,
    and close it: no address, no password, no way to sign in. The address is a random one of a reserved domain."""
    User.objects.filter(pk=user.pk).update(
        email=f"{user.public_id.hex}@compte-anonymise.invalid",
        civility="",
        first_name="",
        last_name=display_name,
        phone="",
        password="!",
        is_active=False,
        is_staff=False,
        is_superuser=False,
        email_verified_at=None,
        deactivated_at=timezone.now(),
        deactivation_reason=reason[:255],
    )
    # Through the tables rather than .clear(): the signal would trace the change under the person's former name.
    User.groups.through.objects.filter(user_id=user.pk).delete()
    User.user_permissions.through.objects.filter(user_id=user.pk).delete()


register_rule(
    RetentionRule(
        name="portail-inscriptions-abandonnees",
        service=Service.PORTAIL,
        data="Inscriptions commencées et jamais terminées (adresse réservée, identité ou entreprise manquante)",
        duration=Duration(days=7),
        starting_event="le début de l’inscription",
        action=RetentionAction.DELETE,
        source=SIGNUP_SOURCE,
        due=lambda cutoff: User.objects.filter(signup_completed_at__isnull=True, date_joined__lt=cutoff),
        date_field="date_joined",
        batch_size=200,
    )
)
register_rule(
    RetentionRule(
        name="portail-codes-de-verification",
        service=Service.PORTAIL,
        data="Codes de vérification d’adresse électronique expirés",
        duration=Duration(days=1),
        starting_event="l’expiration du code",
        action=RetentionAction.DELETE,
        source=SIGNUP_SOURCE,
        due=lambda cutoff: EmailVerification.objects.filter(expires_at__lt=cutoff),
        date_field="expires_at",
    )
)
