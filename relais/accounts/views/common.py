"""What the account views share: the session keys and timings."""

SIGNUP_SESSION_KEY = "accounts_signup_verification"
EMAIL_CHANGE_SESSION_KEY = "accounts_email_change_verification"
PENDING_LOGIN_SESSION_KEY = "accounts_pending_login"
BACKUP_CODES_SESSION_KEY = "accounts_backup_codes"
# Where to go once a second factor is enrolled (a connected service that requires one, say).
AFTER_TWO_FACTOR_SESSION_KEY = "accounts_after_two_factor"
# Between the password and the second factor.
PENDING_LOGIN_SECONDS = 5 * 60
