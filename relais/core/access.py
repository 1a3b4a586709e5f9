"""Who may reach each URL of the platform, declared app by app and checked by the permission-matrix test.

Each app lists its URL names in `relais/<app>/access.py` as `ACCESS = {"namespace:name": Access(...)}` (and may give
a whole namespace one rule in `NAMESPACE_ACCESS`, as core does for the administration). The test
(tests/test_permission_matrix.py) requests every URL pattern of the project as each role below, against objects that
belong to someone else (another organisation, another antenne), and checks every answer against the rule: a role
that is not allowed never gets the page, an allowed one is never refused, nobody gets a server error. A URL without a
rule fails the test: access is denied by default, also in review.

The views enforce the permissions (each app's permissions module); this file only says what they must do, in one
place per app, for the test and for the reader.
"""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    PERSON = "person"  # signed in, with no organisation and no role
    MEMBER = "member"  # member of the organisation the objects belong to (organisation A), with rights in its service
    ACCESS_MANAGER = "access_manager"  # access manager of organisation A for the service
    OTHER_ACCESS_MANAGER = "other_access_manager"  # access manager of another organisation (B) for the same service
    SERVICE_ADMIN = "service_admin"  # application administrator of the digital service
    AGENT = "agent"  # Conseillers-Entreprises agent of the team a need of antenne A was sent to
    OTHER_AGENT = "other_agent"  # agent of a team of another antenne (B), not sent the need
    ANTENNE_MANAGER = "antenne_manager"  # manager of antenne A
    OTHER_ANTENNE_MANAGER = "other_antenne_manager"  # manager of antenne B
    CE_SUPPORT = "ce_support"  # Conseillers-Entreprises support team
    STAFF = "staff"  # administration team (superuser, second factor passed)
    PARTNER_ADMIN = "partner_admin"  # administrator of API partner A (manages its keys)
    # France Num (tests/francenum/matrix.py): structure A is published in region A.
    FN_MEMBER = "fn_member"  # referent of France Num structure A
    FN_OTHER_MEMBER = "fn_other_member"  # referent of another structure (B)
    FN_SUSPENDED_MEMBER = "fn_suspended_member"  # referent of a suspended structure (C)
    FN_REVIEWER = "fn_reviewer"  # national reviewer (group "Administration France Num")
    FN_REGIONAL_REVIEWER = "fn_regional_reviewer"  # regional reviewer of region A
    FN_OTHER_REGIONAL_REVIEWER = "fn_other_regional_reviewer"  # regional reviewer of another region
    # Conseiller numérique: candidate A (an advisor in post at structure A) and another candidate; a member of
    # structure A (the service's right in its organisation) and of structure B; the prefecture of structure A's
    # département, the prefecture of another département; the national team (ANCT).
    CN_CANDIDATE = "cn_candidate"
    CN_OTHER_CANDIDATE = "cn_other_candidate"
    CN_STRUCTURE = "cn_structure"
    CN_OTHER_STRUCTURE = "cn_other_structure"
    CN_PREFECTURE = "cn_prefecture"
    CN_OTHER_PREFECTURE = "cn_other_prefecture"
    CN_NATIONAL = "cn_national"


EVERYONE = frozenset(Role)
SIGNED_IN = EVERYONE - {Role.ANONYMOUS}
NOBODY = frozenset()
# Support's permission comes from a group; superusers have every permission.
CE_SUPPORT = frozenset({Role.CE_SUPPORT, Role.STAFF})


def only(*roles: Role) -> frozenset:
    return frozenset(roles)


@dataclass(frozen=True)
class Access:
    """`allowed`: the roles that get the page; every other role must be refused (a redirect to the login or
    elsewhere, 403, 404, 405…). `target`: the name of the object of the test's world that fills the URL's
    parameters (tests/<app>/matrix.py provides it). `method`: how the test calls it; for POST only the refusals are
    checked, since an allowed call would change the world the next URLs are checked against."""

    allowed: frozenset = field(default=NOBODY)
    target: str = ""
    method: str = "GET"
    # The administration: its URLs are filled with made-up ids and some of its pages are read-only, so an allowed
    # role may get a 404 or a 403 there; what counts is that nobody else gets in.
    lenient: bool = False
    # The roles to try, when they all stand or fall by one check (the administration's staff-only decorator).
    probe: frozenset = field(default=frozenset(Role))


ACCESS = {
    "core:home": Access(EVERYONE),
    "core:accessibility": Access(EVERYONE),
    "core:legal_notice": Access(EVERYONE),
    "core:terms": Access(EVERYONE),
    "core:sitemap": Access(EVERYONE),
    "core:health": Access(EVERYONE),
    "core:ping": Access(EVERYONE),
    "core:instance_health": Access(EVERYONE),
    "core:liveness": Access(EVERYONE),
    # Only a scraper holding METRICS_TOKEN (a bearer header no role of the matrix sends).
    "core:metrics": Access(NOBODY),
    "admin:login": Access(EVERYONE),
    "admin:logout": Access(EVERYONE, method="POST"),
}

# Every other page of the administration: staff only. One decorator (AdminSite.admin_view) sends everyone else to
# its login page, whatever their role: a visitor, a signed-in person and support (permissions without staff status)
# stand for all of them.
NAMESPACE_ACCESS = {
    "admin": Access(
        only(Role.STAFF),
        target="admin",
        lenient=True,
        probe=only(Role.ANONYMOUS, Role.PERSON, Role.CE_SUPPORT, Role.STAFF),
    ),
}
