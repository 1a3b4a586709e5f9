from django.shortcuts import redirect

from . import services
from .enums import SignupStep

SIGNUP_STEP_URLS = {
    SignupStep.IDENTITY: "accounts:signup_identity",
    SignupStep.COMPANY: "accounts:signup_company",
}


# Reading the terms one is asked to accept and getting help stay possible at any step.
EXEMPT_NAMESPACES = {"legal", "assistance"}


def allowed_during_account_setup(view):
    """Mark a view that a signed-in person may reach before finishing sign-up or two-factor enrolment."""
    view.allowed_during_account_setup = True
    return view


class AccountSetupMiddleware:
    """Keep a signed-in person on the sign-up steps, then on two-factor enrolment or verification, until done.

    Public pages stay reachable; the views that make up these steps are marked with allowed_during_account_setup.
    Installed after django_otp's OTPMiddleware, which tells whether the session passed a second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "allowed_during_account_setup", False) or not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and EXEMPT_NAMESPACES.intersection(match.namespaces):
            return None
        url_name = setup_step_url_name(user)
        return redirect(url_name) if url_name else None


def setup_step_url_name(user) -> str | None:
    """Where a signed-in person must go before anything else: the next sign-up step, then the second factor."""
    if (step := user.signup_step) is not None:
        return SIGNUP_STEP_URLS[step]
    if not user.is_verified() and services.two_factor_required(user=user):
        return second_factor_url_name(user)
    return None


def second_factor_url_name(user) -> str:
    """The page that gives this session a second factor: the code step, or enrolment for those who have none."""
    return "accounts:login_code" if services.has_two_factor(user=user) else "accounts:two_factor_setup"
