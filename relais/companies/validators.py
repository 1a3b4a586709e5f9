"""SIRET and SIREN checks (Luhn key, with the exception of La Poste) and the matching form fields."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from stdnum import exceptions as stdnum_errors
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret


def _validate(value, *, module, label: str, length: int, code: str) -> str:
    number = module.compact(str(value))
    try:
        return module.validate(number)
    except (stdnum_errors.InvalidFormat, stdnum_errors.InvalidLength):
        raise ValidationError(
            f"Le numéro {label} doit comporter {length} chiffres.", code=f"{code}_length", params={"value": value}
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            f"Ce numéro {label} n'est pas valide : vérifiez les chiffres saisis.",
            code=f"{code}_invalid",
            params={"value": value},
        ) from None


def validate_siren(value) -> str:
    """Return the 9-digit SIREN, spaces and dots removed, or raise a ValidationError in French."""
    return _validate(value, module=stdnum_siren, label="SIREN", length=9, code="siren")


def validate_siret(value) -> str:
    """Return the 14-digit SIRET, spaces and dots removed, or raise a ValidationError in French.

    La Poste's establishments (SIREN 356000000) have no Luhn key but a digit sum that is a multiple of 5:
    python-stdnum knows this exception.
    """
    return _validate(value, module=stdnum_siret, label="SIRET", length=14, code="siret")


class _RegistryNumberField(forms.CharField):
    validate_number: Callable[[str], str]
    default_label: str
    default_help_text: str

    def __init__(self, **kwargs):
        kwargs.setdefault("label", self.default_label)
        kwargs.setdefault("help_text", self.default_help_text)
        # People paste numbers with spaces ("123 456 789 00012"): leave room for them, the value is compacted.
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return self.validate_number(value)


class SirenField(_RegistryNumberField):
    validate_number = staticmethod(validate_siren)
    default_label = "SIREN"
    default_help_text = "9 chiffres, indiqués sur l'extrait Kbis ou l'avis de situation Insee."


class SiretField(_RegistryNumberField):
    """`lookup`: the establishments found as one types a name or a SIRET are proposed under the field, and the one
    chosen shown with its name and address (static/companies/siret_autocomplete.js, templates/companies/
    _siret_lookup.html)."""

    validate_number = staticmethod(validate_siret)
    default_label = "SIRET"
    default_help_text = "14 chiffres : le SIREN de l'entreprise suivi des 5 chiffres de l'établissement."

    def __init__(self, *, lookup: bool = False, **kwargs):
        self.lookup = lookup
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.lookup:
            # A name may be typed too: a text keyboard on phones.
            attrs.update({"data-siret-autocomplete": reverse_lazy("companies:search"), "inputmode": "text"})
        return attrs
