from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .api import api

app_name = "api"

urlpatterns = [
    path("", views.partner_list, name="partners"),
    path("<uuid:public_id>/", views.partner_keys, name="partner_keys"),
    path("<uuid:public_id>/webhook/", views.partner_webhook, name="partner_webhook"),
    path("cles/<uuid:public_id>/revoquer/", views.revoke, name="key_revoke"),
    path("cles/<uuid:public_id>/remplacer/", views.rotate, name="key_rotate"),
]


def with_quota_headers(view):
    """Every answer of the API says where the caller's quota stands (state left on the request by `auth`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        state = getattr(request, "api_quota", None)
        if state is not None:
            for name, value in state.headers().items():
                response[name] = value
        if getattr(request, "auth", None) is not None and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def _api_v1():
    patterns, app, namespace = api.urls
    for pattern in patterns:
        # The API authenticates with its keys, never with the session: no login redirect.
        pattern.callback = login_not_required(with_quota_headers(pattern.callback))
        # Bad characters are answered by the API's own validation, in its JSON error format.
        pattern.callback.checks_own_input = True
    return patterns, app, namespace


# Included by config/urls.py under api/v1/ (django-ninja reverses its own names in the "api-v1" namespace).
api_v1 = _api_v1()
