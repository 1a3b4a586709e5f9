"""Request guards shared by the public pages."""

from functools import wraps

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent

from .views import bad_request


def bad_request_on_oversized_data(view):
    """Answer the 400 page when the query string or the form has too many fields or is too large.

    Django raises while parsing `request.GET` or `request.POST`; left to the error handlers, DEBUG's technical page
    parses them again to show them and fails with a 500. The view answers 400 itself instead, in every environment.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (TooManyFieldsSent, RequestDataTooBig):
            return bad_request(request)

    return wrapper
