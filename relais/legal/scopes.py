"""Whose terms a version is: the portal's, or one service's (a Relais service or a catalogue service)."""

from django.apps import apps

from relais.core.navigation import SERVICES

PORTAL_SCOPE = "portail"

# The services Relais itself serves; their URL namespace is their slug with underscores
# ("conseillers_entreprises"), which is how the middleware knows a request enters one of them.
RELAIS_SERVICE_NAMES = {service.slug: service.name for service in SERVICES if service.slug != PORTAL_SCOPE}


def _catalogue_names() -> dict[str, str]:
    # The catalogue belongs to the organizations app; the terms work without it.
    if not apps.is_installed("relais.organizations"):
        return {}
    digital_service = apps.get_model("organizations", "DigitalService")
    return dict(digital_service.objects.values_list("slug", "name"))


def scope_choices() -> list[tuple[str, str]]:
    catalogue = {slug: name for slug, name in _catalogue_names().items() if slug not in RELAIS_SERVICE_NAMES}
    return [
        (PORTAL_SCOPE, "Portail de service"),
        *RELAIS_SERVICE_NAMES.items(),
        *sorted(catalogue.items(), key=lambda item: item[1]),
    ]


def scope_name(scope: str) -> str:
    if scope == PORTAL_SCOPE:
        return "Portail de service"
    if scope in RELAIS_SERVICE_NAMES:
        return RELAIS_SERVICE_NAMES[scope]
    return _catalogue_names().get(scope, scope)


def scope_for_namespace(namespace: str) -> str | None:
    slug = namespace.replace("_", "-")
    return slug if slug in RELAIS_SERVICE_NAMES else None
