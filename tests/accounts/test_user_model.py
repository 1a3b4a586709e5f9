import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError

from relais.accounts.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_whatever_its_case():
    user = UserFactory(email="Claire.Martin@Exemple.GOUV.fr")
    assert user.email == "claire.martin@exemple.gouv.fr"
    assert authenticate(username="CLAIRE.MARTIN@exemple.gouv.fr", password=PASSWORD) == user


def test_one_account_per_email_whatever_its_case():
    UserFactory(email="claire@exemple.fr")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="CLAIRE@exemple.fr", password=PASSWORD)


def test_passwords_are_hashed_with_argon2_outside_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="argon@exemple.fr", password=PASSWORD)
    assert user.password.startswith("argon2")


def test_public_id_is_random_and_unique():
    first, second = UserFactory.create_batch(2)
    assert first.public_id != second.public_id


def test_superuser_is_staff():
    admin = User.objects.create_superuser(email="chef@exemple.fr", password=PASSWORD)
    assert admin.is_staff and admin.is_superuser
    assert str(admin) == "chef@exemple.fr"


def test_deactivated_user_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
