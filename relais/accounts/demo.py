from base64 import b32encode

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.core.demo import DEMO_PASSWORD

from .models import User

# Staff and access managers must use a second factor, demo accounts included: they share this TOTP secret
# (to add to an authenticator app) and this backup code, restored at each load so that it never runs out.
DEMO_TOTP_KEY = "52656c6169732d64656d6f2d746f74702d6b6579"
DEMO_TOTP_SECRET = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
DEMO_BACKUP_CODE = "relaisdemo2026"
TWO_FACTOR_HINT = f"2FA : clé TOTP {DEMO_TOTP_SECRET} ou code de secours {DEMO_BACKUP_CODE}"

# (email, first name, last name, role shown to the person who runs the demo, staff, superuser)
DEMO_ACCOUNTS = [
    (
        "admin@relais.test",
        "Camille",
        "Administratrice",
        f"Administration (tous les droits) ; {TWO_FACTOR_HINT}",
        True,
        True,
    ),
    ("usager@relais.test", "Dominique", "Usager", "Usager du Portail de service", False, False),
]


@transaction.atomic
def load_demo() -> None:
    for email, first_name, last_name, _role, is_staff, is_superuser in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if is_staff:
            ensure_demo_second_factor(user)


def ensure_demo_second_factor(user: User) -> None:
    """Give a demo account the shared TOTP secret and backup code (for other apps' demo access managers too)."""
    TOTPDevice.objects.update_or_create(
        user=user, name="Démonstration", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Codes de secours", defaults={"confirmed": True})
    StaticToken.objects.get_or_create(device=device, token=DEMO_BACKUP_CODE)


def demo_accounts() -> list[tuple[str, str]]:
    return [(email, role) for email, _first, _last, role, _staff, _super in DEMO_ACCOUNTS]
