"""The accounts objects of the permission matrix (tests/test_permission_matrix.py): links made for someone else."""

import uuid

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from relais.accounts.services import compromised_link_path
from relais.core.access import Role


def targets(world) -> dict[str, dict]:
    victim = world.users[Role.MEMBER]
    signed = compromised_link_path(user=victim).rstrip("/").rsplit("/", 1)[1]
    return {
        "accounts.verification_link": {"public_id": uuid.uuid4(), "token": "jeton-inconnu"},
        "accounts.reset_link": {"uidb64": urlsafe_base64_encode(force_bytes(victim.pk)), "token": "mauvais-jeton"},
        "accounts.compromised_link": {"signed": signed},
    }
