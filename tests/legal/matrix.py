"""The terms of the permission matrix: a published version."""

from relais.legal.models import TermsVersion


def targets(world) -> dict[str, dict]:
    # A catalogue service's terms: they bind nobody on the platform's own pages, and everybody may read them.
    version = TermsVersion.objects.create(scope="deca", version="1", body="Conditions propres à DECA")
    return {"legal.version": {"public_id": version.public_id}}
