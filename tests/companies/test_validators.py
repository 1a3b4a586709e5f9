import pytest
from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from relais.companies.validators import SirenField, SiretField, validate_siren, validate_siret


def test_siret_is_returned_compact():
    assert validate_siret("842 159 378 00012") == "84215937800012"


def test_siren_is_returned_compact():
    assert validate_siren(" 842 159 378 ") == "842159378"


@pytest.mark.parametrize("value", ["8421593780001", "842159378000123", "8421593780001A"])
def test_siret_of_wrong_length_or_with_letters(value):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.messages == ["Le numéro SIRET doit comporter 14 chiffres."]


def test_siret_with_a_wrong_key():
    with pytest.raises(ValidationError) as error:
        validate_siret("84215937800013")
    assert error.value.messages == ["Ce numéro SIRET n'est pas valide : vérifiez les chiffres saisis."]


def test_siren_errors():
    with pytest.raises(ValidationError) as error:
        validate_siren("12345678")
    assert error.value.messages == ["Le numéro SIREN doit comporter 9 chiffres."]
    with pytest.raises(ValidationError) as error:
        validate_siren("842159379")
    assert error.value.messages == ["Ce numéro SIREN n'est pas valide : vérifiez les chiffres saisis."]


@pytest.mark.parametrize(
    "siret",
    [
        "35600000000048",  # the head office, which does follow Luhn
        "35600000053166",  # a post office in Tergnier: digit sum 35, not a Luhn number
        "35600000053210",
    ],
)
def test_la_poste_establishments_are_accepted(siret):
    assert validate_siret(siret) == siret


def test_la_poste_exception_still_checks_the_digit_sum():
    with pytest.raises(ValidationError):
        validate_siret("35600000053167")


class SignUpForm(DsfrBaseForm):
    siret = SiretField()
    siren = SirenField(required=False)


def test_form_fields_clean_to_the_compact_number():
    form = SignUpForm(data={"siret": "842 159 378 00012", "siren": "842 159 378"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"siret": "84215937800012", "siren": "842159378"}


def test_form_field_shows_the_french_error_on_the_field():
    form = SignUpForm(data={"siret": "84215937800013", "siren": ""})
    assert not form.is_valid()
    assert form.errors["siret"] == ["Ce numéro SIRET n'est pas valide : vérifiez les chiffres saisis."]
    assert "siren" not in form.errors


def test_form_field_renders_a_numeric_input():
    html = str(SignUpForm()["siret"])
    assert 'inputmode="numeric"' in html
    assert isinstance(SignUpForm.base_fields["siret"], forms.CharField)
