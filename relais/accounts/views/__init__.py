"""The account views, by concept: sign-in, sign-up, Mon compte and passwords, second factor."""

from .account import (  # noqa: F401
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
    delete_account,
    email_change,
    email_verify,
    email_verify_link,
    profile,
    report_compromised,
    report_compromised_done,
    report_compromised_link,
)
from .login import LoginView, login_code, logout  # noqa: F401
from .signup import (  # noqa: F401
    signup_company,
    signup_identity,
    signup_link_view,
    signup_password,
    signup_password_view,
    signup_start,
    signup_verify,
    signup_verify_link,
)
from .two_factor import two_factor_backup_codes, two_factor_disable, two_factor_setup  # noqa: F401
