"""Password policy of the Portail de service (seed 003 §8)."""

import string
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

CHARACTER_CLASSES = (
    ("une majuscule", lambda c: c.isupper()),
    ("une minuscule", lambda c: c.islower()),
    ("un chiffre", lambda c: c.isdigit()),
    ("un caractère spécial", lambda c: not c.isalnum() or c in string.punctuation),
)


class CharacterClassesValidator:
    """At least `min_classes` of: uppercase, lowercase, digit, special character."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _, test in CHARACTER_CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(
                "Ce mot de passe doit contenir au moins %(min)d de ces types de caractères : "
                "une majuscule, une minuscule, un chiffre, un caractère spécial.",
                code="password_too_simple",
                params={"min": self.min_classes},
            )

    def get_help_text(self):
        return (
            f"Votre mot de passe doit contenir au moins {self.min_classes} de ces types de caractères : "
            "une majuscule, une minuscule, un chiffre, un caractère spécial."
        )


class BreachedPasswordValidator(CommonPasswordValidator):
    """Refuse the passwords of a deny list of common and breached passwords shipped with Relais (no network).

    The list (data/common-passwords.txt.gz, ~40,000 entries, see data/README.md) joins Django's own list and
    the 30,000 most frequent passwords of breached sets as packaged by zxcvbn. A listed password with digits
    or signs stuck around it ("Azertyuiop123!") is refused too: that is the first variation attackers try.
    """

    DEFAULT_PASSWORD_LIST_PATH = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"
    # Shorter cores ("abc" in "Abc!!!!!!!!!1") are caught by the length and character-class rules already.
    MIN_CORE_LENGTH = 6

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        core = lowered.strip(string.digits + string.punctuation + " ")
        if lowered in self.passwords or (len(core) >= self.MIN_CORE_LENGTH and core in self.passwords):
            raise ValidationError(
                "Ce mot de passe figure dans une liste de mots de passe courants ou divulgués lors de fuites de "
                "données : choisissez-en un autre.",
                code="password_too_common",
            )

    def get_help_text(self):
        return "Votre mot de passe ne doit pas être un mot de passe courant ou déjà divulgué."
