"""Characters that never enter the platform: NUL, the Unicode non-characters and lone surrogates.

None of them is typed by a person; they come from fuzzers, broken copy-pastes or encoders, and they break what
receives them (PostgreSQL refuses NUL in text, XML and many tools refuse non-characters). One decision,
`forbidden_character`, applied at two places:

- every form field of the platform (ours, the administration's, the toolkits'), through `Field.clean`: the person
  gets a French error on the field and keeps what they typed (installed by `install_field_check`, from
  CoreConfig.ready);
- the URL (path and query string) of every request, and the body of machine endpoints (CSRF-exempt views such
  as the OpenID Connect token endpoint), by `InputHygieneMiddleware`: a 400 in French. The API checks its own
  input and answers in its JSON error format (its views are marked `checks_own_input`).
"""

import re
from functools import wraps

from django import forms
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.shortcuts import render

from .views import bad_request

_NON_CHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
FORBIDDEN = re.compile(f"[\x00{_NON_CHARACTERS}\ud800-\udfff]")


def forbidden_character(value) -> str | None:
    """The first forbidden character in a string, or in the strings of a list, tuple or dict; None if there is
    none."""
    if isinstance(value, str):
        match = FORBIDDEN.search(value)
        return match.group(0) if match else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        for item in value:
            if found := forbidden_character(item):
                return found
    return None


def describe(character: str) -> str:
    return f"U+{ord(character):04X}"


def error_message(character: str) -> str:
    name = "le caractère nul" if character == "\x00" else "un caractère invisible non autorisé"
    return (
        f"Ce champ contient {name} ({describe(character)}), sans doute venu d'un copier-coller : retirez-le, par "
        "exemple en retapant le texte."
    )


def check(value) -> None:
    """Raise a French ValidationError if `value` holds a forbidden character."""
    if character := forbidden_character(value):
        raise ValidationError(error_message(character), code="forbidden_character")


def install_field_check() -> None:
    """Check the raw value of every form field before it is converted (a NUL must not reach a database lookup)."""
    for field_class in (forms.Field, forms.ModelMultipleChoiceField):
        if getattr(field_class.clean, "checks_forbidden_characters", False):
            continue
        field_class.clean = _checking(field_class.clean)


def _checking(clean):
    @wraps(clean)
    def checked_clean(self, value, *args, **kwargs):
        check(value)
        return clean(self, value, *args, **kwargs)

    checked_clean.checks_forbidden_characters = True
    return checked_clean


REFUSAL = (
    "L'adresse ou les données envoyées contiennent un caractère non autorisé (caractère nul ou non-caractère "
    "Unicode) : retirez-le de l'adresse, ou retapez-la au lieu de la coller."
)


class InputHygieneMiddleware:
    """Refuse a URL with a forbidden character, and the body of a machine endpoint, with a French 400.

    A view that answers bad input in its own format (the API's JSON errors) is marked `checks_own_input` and left
    to do so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if forbidden_character(request.path):
            return self._refuse(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "checks_own_input", False):
            return None
        try:
            query = dict(request.GET.lists())
        except (TooManyFieldsSent, RequestDataTooBig):
            # Left to the error handlers, DEBUG's technical page would parse the query again and fail with a 500.
            return bad_request(request)
        if forbidden_character(query):
            return self._refuse(request)
        # Forms answer on the field; endpoints without a form (called by servers) answer here.
        machine_endpoint = getattr(view_func, "csrf_exempt", False) and request.method == "POST"
        if machine_endpoint and forbidden_character(dict(request.POST.lists())):
            return self._refuse(request)
        return None

    @staticmethod
    def _refuse(request):
        return render(request, "core/errors/400.html", {"detail": REFUSAL}, status=400)
