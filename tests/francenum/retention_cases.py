"""The France Num rules of the privacy registry, for the boundary test of tests/privacy/test_retention_rules.py
(each maker runs at the start of the period; the warning rule has its own tests in tests/francenum)."""

from datetime import timedelta

from django.utils import timezone

from relais.francenum.models import Activator
from relais.legal.services import accept_terms, publish_terms_version
from tests.accounts.factories import UserFactory
from tests.francenum import factories


def _gone(obj) -> bool:
    return not Activator.objects.filter(pk=obj.pk).exists()


def make_lapsed_engagement():
    structure = factories.activator(referent=UserFactory())
    Activator.objects.filter(pk=structure.pk).update(engagement_ends_at=timezone.now())
    return structure


def make_structure_without_current_charter():
    """A new charter published 30 days ago (the grace period ends now), accepted by nobody of the structure."""
    old = publish_terms_version(
        scope="francenum",
        version="ancienne",
        body="Ancienne charte",
        published_at=timezone.now() - timedelta(days=400),
        notify=False,
    )
    referent = UserFactory()
    accept_terms(user=referent, versions=[old])
    structure = factories.activator(referent=referent)
    publish_terms_version(
        scope="francenum",
        version="nouvelle",
        body="Nouvelle charte",
        published_at=timezone.now() - timedelta(days=30),
        notify=False,
    )
    return structure


CASES = {
    "francenum-engagements-echus": (make_lapsed_engagement, _gone),
    "francenum-charte-non-acceptee": (make_structure_without_current_charter, _gone),
}
WARNING_RULES = {"francenum-demandes-sans-reponse"}
