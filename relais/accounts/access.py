"""Who may reach the accounts pages (see relais.core.access)."""

from relais.core.access import EVERYONE, SIGNED_IN, Access

ACCESS = {
    "accounts:profile": Access(SIGNED_IN),
    # Pages of the way in: a signed-in person is sent on, an anonymous one is served.
    "accounts:login": Access(EVERYONE),
    "accounts:login_code": Access(SIGNED_IN),
    "accounts:logout": Access(EVERYONE, method="POST"),
    "accounts:signup": Access(EVERYONE),
    "accounts:signup_verify": Access(EVERYONE),
    "accounts:signup_verify_link": Access(EVERYONE, target="accounts.verification_link"),
    "accounts:signup_password": Access(EVERYONE),
    "accounts:signup_identity": Access(SIGNED_IN),
    "accounts:signup_company": Access(SIGNED_IN),
    "accounts:email_change": Access(SIGNED_IN),
    "accounts:email_verify": Access(SIGNED_IN),
    "accounts:email_verify_link": Access(SIGNED_IN, target="accounts.verification_link"),
    "accounts:delete": Access(SIGNED_IN),
    "accounts:two_factor_setup": Access(SIGNED_IN),
    "accounts:two_factor_backup_codes": Access(SIGNED_IN),
    "accounts:two_factor_disable": Access(SIGNED_IN),
    "accounts:password_reset": Access(EVERYONE),
    "accounts:password_reset_done": Access(EVERYONE),
    # Someone else's reset link with a wrong token: the page says the link is no longer valid, to everyone.
    "accounts:password_reset_confirm": Access(EVERYONE, target="accounts.reset_link"),
    "accounts:password_reset_complete": Access(EVERYONE),
    "accounts:password_change": Access(SIGNED_IN),
    "accounts:password_change_done": Access(SIGNED_IN),
    "accounts:report_compromised": Access(SIGNED_IN),
    "accounts:report_compromised_done": Access(EVERYONE),
    # The link of a security email works without signing in (the password may no longer work): it is the capability.
    "accounts:report_compromised_link": Access(EVERYONE, target="accounts.compromised_link"),
}
