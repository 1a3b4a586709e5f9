import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    "password",
    [
        "Abcdefghijk1",  # upper, lower, digit: 12 characters
        "tournesol9bleu!",  # lower, digit, special
        "ABCDEFGHIJ-!k",  # upper, special, lower
        "Éléphant rose 2",  # accented upper, lower, digit, space as special
    ],
)
def test_accepted_passwords(password):
    validate_password(password)


def test_too_short_password_is_refused_in_french():
    with pytest.raises(ValidationError) as error:
        validate_password("Abc-def-12")
    assert "trop court" in " ".join(error.value.messages)
    assert "12 caractères" in " ".join(error.value.messages)


@pytest.mark.parametrize("password", ["abcdefghijklmn", "abcdefghijk12", "ABCDEFGHIJK!!", "123456789012!"])
def test_fewer_than_three_character_classes_is_refused_in_french(password):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any("au moins 3 de ces types de caractères" in message for message in error.value.messages)


@pytest.mark.parametrize("password", ["Azertyuiop123!", "1qaz2wsx3edc4rfv", "PASSWORD1234!", "Iloveyou2024!!"])
def test_common_and_breached_passwords_are_refused_in_french(password):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert any("mots de passe courants ou divulgués" in message for message in error.value.messages)


def test_the_deny_list_is_shipped_and_bigger_than_djangos():
    from django.contrib.auth.password_validation import CommonPasswordValidator

    from relais.accounts.validators import BreachedPasswordValidator

    ours, djangos = BreachedPasswordValidator().passwords, CommonPasswordValidator().passwords
    assert len(ours) > 35_000
    assert djangos <= ours
