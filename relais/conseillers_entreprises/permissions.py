from functools import wraps

from django.core.exceptions import PermissionDenied

SUPPORT_PERMISSION = "conseillers_entreprises.triage_solicitation"


def is_support(user) -> bool:
    """The support team triages solicitations and follows needs up; the permission is given through a group."""
    return user.is_authenticated and user.has_perm(SUPPORT_PERMISSION)


def may_analyse(user) -> bool:
    """Agents of at least one expert team, and support, make "Analyses"."""
    return is_support(user) or (user.is_authenticated and user.experts.exists())


def may_comment(user, need) -> bool:
    """Support, the advisor who detected the need and the agents of the teams it was sent to write in its thread."""
    return is_support(user) or need.diagnosis.advisor_id == user.pk or need.matches.filter(expert__users=user).exists()


def team_antenne_ids(user) -> tuple[int, ...] | None:
    """The antennes whose figures the user sees: None for support (all), else those they manage; anyone else is
    refused."""
    if is_support(user):
        return None
    antenne_ids = tuple(user.managed_antennes.values_list("pk", flat=True))
    if not antenne_ids:
        raise PermissionDenied
    return antenne_ids


def support_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_support(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def analyst_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_analyse(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# Read at login and kept in the session: the header shows the support entry point on every page, and asking the
# permission there would cost two queries per page for every logged-in person.
SUPPORT_SESSION_KEY = "conseillers_entreprises_support"


def remember_support_role(sender, request, user, **kwargs) -> None:
    request.session[SUPPORT_SESSION_KEY] = is_support(user)


# Like the support role: the header links to the inbox and to the antennes without a query per page. Someone added
# to a team, or made manager, gets the links at their next login; the pages themselves check on every request.
AGENT_SESSION_KEY = "conseillers_entreprises_agent"
MANAGER_SESSION_KEY = "conseillers_entreprises_manager"


def remember_workspace_roles(sender, request, user, **kwargs) -> None:
    request.session[AGENT_SESSION_KEY] = user.experts.exists()
    request.session[MANAGER_SESSION_KEY] = user.managed_antennes.exists()


def support_context(request) -> dict:
    session = getattr(request, "session", None)
    return {
        "is_ce_support": bool(session and session.get(SUPPORT_SESSION_KEY)),
        "is_ce_agent": bool(session and session.get(AGENT_SESSION_KEY)),
        "is_ce_manager": bool(session and session.get(MANAGER_SESSION_KEY)),
    }
