"""Who may reach the France Num pages (see relais.core.access): the directory, profiles, open data and the signed
links are public; the activator space is its members' (not a suspended structure's); the administration is the
national reviewers' and, for the structures of its region, the regional reviewer's."""

from relais.core.access import EVERYONE, NOBODY, SIGNED_IN, Access, Role, only

MEMBER = only(Role.FN_MEMBER)
# The space's pages name no structure: each member of a structure that is not suspended gets their own.
SPACE = only(Role.FN_MEMBER, Role.FN_OTHER_MEMBER)
REVIEWERS = only(Role.FN_REVIEWER, Role.FN_REGIONAL_REVIEWER, Role.FN_OTHER_REGIONAL_REVIEWER, Role.STAFF)
REVIEWERS_OF_A = only(Role.FN_REVIEWER, Role.FN_REGIONAL_REVIEWER, Role.STAFF)

ACCESS = {
    "activateurs:directory": Access(EVERYONE),
    "activateurs:open_data": Access(EVERYONE, target="francenum.open_data"),
    "activateurs:profile": Access(EVERYONE, target="francenum.profile"),
    "activateurs:contact": Access(EVERYONE, target="francenum.profile", method="POST"),
    "activateurs:logo": Access(EVERYONE, target="francenum.profile"),
    "activateurs:member_photo": Access(EVERYONE, target="francenum.member_photo"),
    # Capabilities: the link is the right (one contact, one survey answer), whoever opens it.
    "activateurs:acknowledge": Access(EVERYONE, target="francenum.acknowledge"),
    "activateurs:survey": Access(EVERYONE, target="francenum.survey"),
    # Sent to the address of the person of the matrix who has no role.
    "activateurs:invitation": Access(only(Role.PERSON), target="francenum.invitation"),
    "activateurs:start": Access(EVERYONE),
    "activateurs:signup_email": Access(EVERYONE),
    "activateurs:signup_code": Access(EVERYONE),
    "activateurs:signup_link": Access(EVERYONE, target="accounts.verification_link"),
    "activateurs:signup_password": Access(EVERYONE),
    "activateurs:signup_identity": Access(SIGNED_IN),
    "activateurs:structure": Access(SIGNED_IN),
    "activateurs:charter": Access(SIGNED_IN),
    "activateurs:sent": Access(SIGNED_IN),
    "activateurs:review_queue": Access(REVIEWERS),
    "activateurs:admin_statistics": Access(REVIEWERS),
    "activateurs:admin_statistics_csv": Access(REVIEWERS),
    "activateurs:breaches": Access(REVIEWERS),
    "activateurs:surveys": Access(REVIEWERS),
    "activateurs:survey_results": Access(REVIEWERS, target="francenum.campaign"),
    "activateurs:survey_csv": Access(REVIEWERS, target="francenum.campaign"),
    "activateurs:review_detail": Access(REVIEWERS_OF_A, target="francenum.activator"),
    "activateurs:review_message": Access(REVIEWERS_OF_A, target="francenum.activator", method="POST"),
    "activateurs:review_decide": Access(REVIEWERS_OF_A, target="francenum.activator", method="POST"),
    "activateurs:review_sanction": Access(REVIEWERS_OF_A, target="francenum.activator", method="POST"),
    "activateurs:review_member_sanction": Access(REVIEWERS_OF_A, target="francenum.member", method="POST"),
    "activateurs:review_recheck": Access(REVIEWERS_OF_A, target="francenum.activator", method="POST"),
    "activateurs:proof": Access(REVIEWERS_OF_A | MEMBER, target="francenum.proof"),
    "activateurs:attachment": Access(REVIEWERS_OF_A | MEMBER, target="francenum.attachment"),
    # The API: open data for anyone (per-IP quota); the full profiles answer a key only, which no role holds.
    "api-v1:francenum_open_data": Access(EVERYONE),
    "api-v1:francenum_profiles": Access(NOBODY),
    "api-v1:francenum_profile": Access(NOBODY, target="francenum.api_profile"),
    "francenum:home": Access(SPACE),
    "francenum:application": Access(SPACE),
    "francenum:structure": Access(SPACE),
    "francenum:profile": Access(SPACE),
    "francenum:contacts": Access(SPACE),
    "francenum:statistics": Access(SPACE),
    "francenum:members": Access(SPACE),
    "francenum:invite": Access(SPACE, method="POST"),
    "francenum:hand_over": Access(SPACE, method="POST"),
    "francenum:leave": Access(SPACE),
    "francenum:engagement": Access(SPACE),
}
