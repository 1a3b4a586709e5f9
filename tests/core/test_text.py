"""NUL and Unicode non-characters never enter the platform: a French error on the field of any form, a French 400
for a URL or a machine endpoint; and django-otp's admin views answer 404 for an unknown device."""

import pytest
from django import forms
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.accounts.models import User
from relais.assistance.forms import ContactForm
from relais.core.text import forbidden_character
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

FORBIDDEN = ["\x00", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff", "\U0001fffe"]


@pytest.mark.parametrize("character", FORBIDDEN)
def test_the_forbidden_characters_are_found_wherever_they_hide(character):
    assert forbidden_character(f"Bonjour{character}") == character
    assert forbidden_character(["ok", [f"x{character}"]]) == character
    assert forbidden_character({f"clé{character}": ["valeur"]}) == character


@pytest.mark.parametrize("text", ["Crème brûlée", "Zoë — « guillemets »", "emoji 🚀", "\ufeffBOM", "tab\tand\nline"])
def test_ordinary_text_passes(text):
    assert forbidden_character(text) is None


VALID_CONTACT = {
    "name": "Léa Martin",
    "email": "lea@atelier.fr",
    "category": "account",
    "message": "Bonjour",
}


@pytest.mark.parametrize("character", ["\x00", "\ufffe"])
def test_a_form_field_refuses_them_with_a_french_error_and_keeps_the_rest(client, character):
    response = client.post("/aide/contact/", {**VALID_CONTACT, "message": f"Je n'arrive pas{character} à me connecter"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ce champ contient" in content and f"U+{ord(character):04X}" in content
    assert "Le formulaire contient 1 erreur" in content
    assert "Léa Martin" in content


def test_choice_and_model_choice_fields_refuse_them_before_any_database_lookup():
    class ChoiceForm(forms.Form):
        category = forms.ChoiceField(choices=[("a", "A")])
        person = forms.ModelChoiceField(queryset=User.objects.all(), to_field_name="public_id")
        people = forms.ModelMultipleChoiceField(queryset=User.objects.all(), to_field_name="public_id")
        count = forms.IntegerField()
        email = forms.EmailField()

    form = ChoiceForm(
        {"category": "a\x00", "person": "\x00", "people": ["\x00"], "count": "1\x00", "email": "a\ufffe@b.fr"}
    )
    assert not form.is_valid()
    assert set(form.errors) == {"category", "person", "people", "count", "email"}
    assert all("Ce champ contient" in errors[0] for errors in form.errors.values())


def test_a_form_of_another_app_gets_it_too():
    form = ContactForm({**VALID_CONTACT, "name": "Léa\x00"})
    assert not form.is_valid()
    assert form.errors["name"] == [
        "Ce champ contient le caractère nul (U+0000), sans doute venu d'un copier-coller : retirez-le, par exemple "
        "en retapant le texte."
    ]


def test_the_admin_forms_refuse_them(admin_client):
    person = UserFactory()
    response = admin_client.post(
        f"/admin/accounts/user/{person.pk}/change/", {"email": person.email, "first_name": "Ana\x00", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "Ce champ contient le caractère nul" in response.content.decode()
    person.refresh_from_db()
    assert "\x00" not in person.first_name


@pytest.mark.parametrize(
    "url", ["/aide/?q=%00", "/stats/?annee=%EF%BF%BE", "/%00/", "/aide-entreprise/accueil/?x%00=1"]
)
def test_a_url_with_them_gets_a_french_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère non autorisé" in response.content.decode()


def test_a_machine_endpoint_refuses_them_in_its_body(client):
    response = client.post("/oidc/token/", {"grant_type": "authorization_code", "code": "abc\x00"})
    assert response.status_code == 400


def test_django_otp_admin_views_answer_404_for_an_unknown_device(admin_client, admin_user):
    for view in ("config", "qrcode"):
        assert admin_client.get(f"/admin/otp_totp/totpdevice/987654/{view}/").status_code == 404
    device = TOTPDevice.objects.filter(user=admin_user).first()
    # A known device is not shown either: its secret would let staff clone someone's second factor.
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
