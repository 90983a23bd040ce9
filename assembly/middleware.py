# Pages reached by a secret in their address (no login): never cached either.
TOKEN_ROUTES = {"invitation", "invitation_continue", "meeting_projector", "calendar_feed"}


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in browser and on
    pages reached by a secret token, exports included: no shared cache or browser disk
    keeps a member's pages. Decided from the session cookie, not the user, so it needs no
    database (the 500 page goes through it too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils.cache import patch_cache_control

        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        if signed_in or (match is not None and match.url_name in TOKEN_ROUTES):
            patch_cache_control(response, no_store=True, private=True)
        return response
