from urllib.parse import urlsplit

from oauth2_provider.views import AuthorizationView as BaseAuthorizationView


class AuthorizationView(BaseAuthorizationView):
    """The consent page, in the DSFR layout (templates/oauth2_provider/authorize.html)."""

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        form = context.get("form")
        redirect_uri = form["redirect_uri"].value() if form is not None else None
        if redirect_uri:
            # Browsers apply the page's form-action to the redirect that follows the consent form: without the
            # service's origin there, our strict CSP ('self') would block the way back to the service.
            parts = urlsplit(redirect_uri)
            response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
        return response
