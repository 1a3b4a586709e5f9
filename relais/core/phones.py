"""Phone numbers: typed in any usual spelling, stored E.164, shown in the French format as `tel:` links."""

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError

FRENCH_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"})


def parse_phone(value: str, *, french_only: bool = False) -> str:
    """The E.164 spelling of `value` ("+33612345678"), or ValidationError with a French message."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.",
            code="invalid_phone",
        )
    if french_only and phonenumbers.region_code_for_number(number) not in FRENCH_REGIONS:
        raise ValidationError(
            "Saisissez un numéro de téléphone français valide, par exemple 06 12 34 56 78.", code="invalid_phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """ "06 12 34 56 78" for a French number, the international spelling for a foreign one, `value` if unparsable."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.region_code_for_number(number) in FRENCH_REGIONS:
        digits = "0" + phonenumbers.national_significant_number(number)
        if len(digits) == 10:  # overseas numbers too: "06 92 12 34 56" as dialled from anywhere in France
            return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneField(forms.CharField):
    """A phone number form field: cleans to E.164, shows a stored number in the French format."""

    def __init__(self, *, french_only: bool = False, **kwargs):
        self.french_only = french_only
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", "Par exemple 06 12 34 56 78.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "tel", "type": "tel"})

    def prepare_value(self, value):
        return format_phone(value) if value and str(value).startswith("+") else value

    def clean(self, value):
        value = super().clean(value)
        return parse_phone(value, french_only=self.french_only) if value else value
