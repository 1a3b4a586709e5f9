"""Password policy of the Portail de service (seed 003 §8)."""

import string

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
