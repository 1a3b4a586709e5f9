"""Fixtures of the privacy tests: the roles (DPO, security team, administrator) with their second factor."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from relais.privacy.permissions import DPO_GROUP, SECURITY_GROUP, role_group
from tests.accounts.factories import UserFactory, login_with_second_factor


def _member_of(group_name: str, **fields):
    # role_group, not a get: a transactional test (the browser's) empties the tables the migration filled.
    user = UserFactory(**fields)
    user.groups.add(role_group(group_name))
    return user


@pytest.fixture
def dpo(db):
    return _member_of(DPO_GROUP, first_name="Dominique", last_name="Délégué")


@pytest.fixture
def security_member(db):
    return _member_of(SECURITY_GROUP, first_name="Sam", last_name="Sécurité")


@pytest.fixture
def auditor(db):
    """A staff member allowed to read the audit log (staff sessions need a second factor)."""
    user = UserFactory(is_staff=True, first_name="Alix", last_name="Admin")
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    return user


def logged_in(user) -> Client:
    client = Client()
    login_with_second_factor(client, user)
    return client
