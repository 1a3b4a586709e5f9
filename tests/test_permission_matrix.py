"""The permission matrix: every URL pattern of the project, requested as every role against someone else's objects,
answers what its app's rule (relais/<app>/access.py) says; a URL without a rule fails.

The world: organisation A (its member, its access manager for DECA), organisation B (its access manager), DECA's
administrator; antenne A (a team and its agent, its manager) and antenne B (same), Conseillers-Entreprises support,
staff; a person with none of this. Each app's objects are made by tests/<app>/matrix.py (`targets(world)` returns,
per target name of the rules, the parameters of the URL). See ARCHITECTURE.md, "Matrice des droits".
"""

import importlib
import re
import uuid
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from relais.companies.demo import load_demo as load_demo_companies
from relais.core.access import Access, Role
from relais.organizations import services as organizations
from relais.organizations.catalogue import load_digital_services
from relais.organizations.models import DigitalService
from tests.accounts.factories import UserFactory, login_with_second_factor
from tests.conseillers_entreprises.factories import AntenneFactory, ExpertFactory

pytestmark = pytest.mark.django_db

SIREN_A = "842159378"
SIREN_B = "793402561"
# A refused role may be sent elsewhere (login, its own space), told the request is not valid, forbidden, or not told
# the object exists; it is never served the page.
REFUSALS = {301, 302, 303, 400, 401, 403, 404, 405, 410}


# Rules ------------------------------------------------------------------------------------------------------------


def access_modules():
    for config in apps.get_app_configs():
        if config.name.startswith("relais."):
            try:
                yield importlib.import_module(f"{config.name}.access")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.access":
                    raise


def rules() -> tuple[dict[str, Access], dict[str, Access]]:
    by_name, by_namespace = {}, {}
    for module in access_modules():
        for name, rule in getattr(module, "ACCESS", {}).items():
            assert name not in by_name, f"{name} a deux règles"
            by_name[name] = rule
        by_namespace.update(getattr(module, "NAMESPACE_ACCESS", {}))
    return by_name, by_namespace


@dataclass(frozen=True)
class Pattern:
    name: str
    namespace: str
    pattern: URLPattern
    route: str
    named: bool


def url_patterns(patterns=None, namespace="", route=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from url_patterns(entry.url_patterns, inner, route + str(entry.pattern))
        else:
            full_route = route + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or full_route
            yield Pattern(
                name=name, namespace=namespace.split(":")[0], pattern=entry, route=full_route, named=bool(entry.name)
            )


def rule_for(pattern: Pattern, by_name, by_namespace) -> Access | None:
    return by_name.get(pattern.name) or by_namespace.get(pattern.namespace)


def test_every_url_of_the_project_has_a_rule():
    by_name, by_namespace = rules()
    patterns = list(url_patterns())
    missing = sorted({pattern.name for pattern in patterns if rule_for(pattern, by_name, by_namespace) is None})
    assert not missing, (
        "Ces adresses n'ont pas de règle d'accès : ajoutez-les au module access.py de leur application "
        "(voir relais/core/access.py) :\n" + "\n".join(missing)
    )
    stale = sorted(set(by_name) - {pattern.name for pattern in patterns})
    assert not stale, "Ces règles nomment des adresses qui n'existent plus :\n" + "\n".join(stale)


# The world ---------------------------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[Role, object] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)


def build_world() -> World:
    world = World()
    load_demo_companies()
    load_digital_services()
    deca = DigitalService.objects.get(slug="deca")
    users = world.users
    users[Role.PERSON] = UserFactory(email="personne@exemple.fr")
    users[Role.MEMBER] = UserFactory(email="membre@soierie.fr")
    member_of_a = organizations.join_organization(user=users[Role.MEMBER], siren=SIREN_A)
    users[Role.ACCESS_MANAGER] = UserFactory(email="responsable@soierie.fr")
    organizations.appoint_access_manager(
        actor=None,
        membership=organizations.join_organization(user=users[Role.ACCESS_MANAGER], siren=SIREN_A),
        service=deca,
    )
    users[Role.OTHER_ACCESS_MANAGER] = UserFactory(email="responsable@boulangerie.fr")
    organizations.appoint_access_manager(
        actor=None,
        membership=organizations.join_organization(user=users[Role.OTHER_ACCESS_MANAGER], siren=SIREN_B),
        service=deca,
    )
    users[Role.SERVICE_ADMIN] = UserFactory(email="administrateur@deca.gouv.fr")
    deca.application_administrators.add(users[Role.SERVICE_ADMIN])

    antenne_a, antenne_b = AntenneFactory(name="Antenne A"), AntenneFactory(name="Antenne B")
    users[Role.AGENT] = UserFactory(email="agent@antenne-a.fr")
    users[Role.OTHER_AGENT] = UserFactory(email="agent@antenne-b.fr")
    team_a = ExpertFactory(antenne=antenne_a, users=[users[Role.AGENT]])
    team_b = ExpertFactory(antenne=antenne_b, users=[users[Role.OTHER_AGENT]])
    users[Role.ANTENNE_MANAGER] = UserFactory(email="responsable@antenne-a.fr")
    users[Role.OTHER_ANTENNE_MANAGER] = UserFactory(email="responsable@antenne-b.fr")
    antenne_a.managers.add(users[Role.ANTENNE_MANAGER])
    antenne_b.managers.add(users[Role.OTHER_ANTENNE_MANAGER])
    support_group = Group.objects.create(name="Équipe support Conseillers-Entreprises")
    support_group.permissions.add(Permission.objects.get(codename="triage_solicitation"))
    users[Role.CE_SUPPORT] = UserFactory(email="support@conseillers-entreprises.fr")
    users[Role.CE_SUPPORT].groups.add(support_group)
    users[Role.STAFF] = UserFactory(email="equipe@relais.gouv.fr", is_staff=True, is_superuser=True)

    world.objects.update(
        deca=deca,
        organization_a=member_of_a.organization,
        member_of_a=member_of_a,
        antenne_a=antenne_a,
        antenne_b=antenne_b,
        team_a=team_a,
        team_b=team_b,
    )
    return world


def targets(world: World) -> dict[str, dict]:
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("relais."):
            continue
        try:
            module = importlib.import_module(f"tests.{config.label}.matrix")
        except ModuleNotFoundError as error:
            if error.name != f"tests.{config.label}.matrix":
                raise
            continue
        found.update(module.targets(world))
    return found


def role_clients(world: World) -> dict[Role, Client]:
    clients = {Role.ANONYMOUS: Client()}
    for role, user in world.users.items():
        client = Client()
        if role in (Role.ACCESS_MANAGER, Role.OTHER_ACCESS_MANAGER, Role.STAFF):
            login_with_second_factor(client, user)
        else:
            client.force_login(user)
        clients[role] = client
    return clients


# Filling URLs -----------------------------------------------------------------------------------------------------


def admin_kwargs(pattern: URLPattern) -> dict:
    """Made-up parameters for the administration's URLs (rules there are lenient on 404)."""
    kwargs = {}
    for name, regex in re.findall(r"\(\?P<(\w+)>([^)]*)\)", pattern.pattern.regex.pattern):
        kwargs[name] = regex.split("|")[0] if "|" in regex else ("1" if "d" in regex or "[^/]" in regex else "x")
    for name, converter in pattern.pattern.converters.items():
        kwargs[name] = str(uuid.uuid4()) if converter.__class__.__name__ == "UUIDConverter" else "1"
    return kwargs


def url_for(pattern: Pattern, rule: Access, found_targets: dict) -> str:
    kwargs = {}
    if rule.target == "admin":
        kwargs = admin_kwargs(pattern.pattern)
    elif rule.target:
        assert rule.target in found_targets, f"{pattern.name} : aucune cible « {rule.target} » dans tests/*/matrix.py"
        kwargs = found_targets[rule.target]
    if not pattern.named:
        # An unnamed route of the administration (the old-style object URL that redirects to its change page).
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs.get(match.group(1), "1")), pattern.route)
    try:
        return reverse(pattern.name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise AssertionError(f"{pattern.name} : paramètres {kwargs} — {error}") from None


def is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code in (301, 302, 303) and (
        location.startswith(reverse("accounts:login")) or location.startswith(reverse("admin:login"))
    )


def verdict(response, *, allowed: bool, rule: Access) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"erreur serveur {status}"
    if allowed:
        if rule.method == "POST":
            return None
        refused = is_login_redirect(response) or (status in (401, 403, 404) and not rule.lenient)
        return f"refusé ({status} {response.get('Location', '')})" if refused else None
    if status not in REFUSALS:
        return f"servi ({status}) alors que la règle le refuse"
    return None


def check(patterns, by_name, by_namespace) -> list[str]:
    world = build_world()
    found_targets = targets(world)
    clients = role_clients(world)
    failures = []
    for pattern in patterns:
        rule = rule_for(pattern, by_name, by_namespace)
        url = url_for(pattern, rule, found_targets)
        for role in rule.probe:
            allowed = role in rule.allowed
            if rule.method == "POST" and allowed:
                continue
            client = clients[role]
            if role == Role.ANONYMOUS:
                # A fresh visitor each time: a secure link opened before must not have left access in the session.
                client.cookies.clear()
            response = client.post(url) if rule.method == "POST" else client.get(url)
            if problem := verdict(response, allowed=allowed, rule=rule):
                failures.append(f"{pattern.name} ({url}) en tant que {role} : {problem}")
    return failures


def test_every_role_gets_what_the_rules_say_outside_the_administration():
    by_name, by_namespace = rules()
    patterns = [pattern for pattern in url_patterns() if pattern.namespace != "admin"]
    failures = check(patterns, by_name, by_namespace)
    assert not failures, "\n".join(failures)


def test_every_role_gets_what_the_rules_say_in_the_administration():
    by_name, by_namespace = rules()
    patterns = [pattern for pattern in url_patterns() if pattern.namespace == "admin"]
    assert len(patterns) > 100
    failures = check(patterns, by_name, by_namespace)
    assert not failures, "\n".join(failures)


def test_the_roles_are_who_they_claim_to_be():
    world = build_world()
    targets(world)  # the apps' modules add the roles of their own (an API partner's administrator…)
    users = world.users
    assert TOTPDevice.objects.filter(user__in=[users[Role.ACCESS_MANAGER], users[Role.STAFF]]).count() == 0
    assert organizations.is_access_manager(users[Role.ACCESS_MANAGER])
    assert organizations.is_access_manager(users[Role.OTHER_ACCESS_MANAGER])
    assert not organizations.is_access_manager(users[Role.MEMBER])
    assert set(users) == set(Role) - {Role.ANONYMOUS}
