from django.db import transaction

from relais.core.demo import DEMO_PASSWORD

from .models import User

# (email, first name, last name, role shown to the person who runs the demo, staff, superuser)
DEMO_ACCOUNTS = [
    ("admin@relais.test", "Camille", "Administratrice", "Administration (tous les droits)", True, True),
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


def demo_accounts() -> list[tuple[str, str]]:
    return [(email, role) for email, _first, _last, role, _staff, _super in DEMO_ACCOUNTS]
