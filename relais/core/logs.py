"""What every log line carries: the request it belongs to and, when known, the signed-in user's id.

The request id comes from the reverse proxy (X-Request-ID, when it looks like one) or is drawn here; it is sent
back in the response, so that a person reporting an error page can quote it. Only ids are logged: never an
e-mail, a name, an address or a raw URL (paths may carry signed tokens), which keeps the logs free of personal
data.
"""

import contextvars
import logging
import re
import uuid

from django.utils.functional import empty

_current_request = contextvars.ContextVar("relais_request", default=None)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_from(header: str | None) -> str:
    """The proxy's id when it is a sane token (it ends up in logs and headers), else a new one."""
    if header and _REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def bind_request(request) -> contextvars.Token:
    return _current_request.set(request)


def unbind_request(token: contextvars.Token) -> None:
    _current_request.reset(token)


def user_id_of(request) -> int | None:
    """The signed-in user's id if the request already loaded its user; never loads it (the database may be the
    reason we are logging)."""
    user = getattr(request, "user", None)
    user = getattr(user, "_wrapped", user)
    if user is None or user is empty or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def route_of(request) -> str:
    """The URL pattern that served the request ("besoins/<uuid:public_id>/"), never the path itself."""
    match = getattr(request, "resolver_match", None)
    return match.route if match else "-"


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to every record (None outside a request), and puts the route in place of
    the raw path in Django's own request warnings ("Not Found: /…", "Service Unavailable: /…")."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        logged_request = getattr(record, "request", None)
        if logged_request is not None and isinstance(record.args, tuple):
            # Django escapes the arguments it logs with the request ("unicode_escape").
            path = logged_request.path.encode("unicode_escape").decode("ascii")
            record.args = tuple(route_of(logged_request) if arg == path else arg for arg in record.args)
        if not hasattr(record, "request_id"):
            record.request_id = getattr(request, "request_id", None)
        if not hasattr(record, "user_id"):
            record.user_id = user_id_of(request) if request is not None else None
        return True
