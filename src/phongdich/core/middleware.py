from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils import translation

from .context import request_context

# Paths anyone may open without logging in. Everything else redirects to the login page (the API answers 401).
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/static/",
    "/i18n/",
    "/api/",
    "/healthz",
    "/c/",
    "/r/",
    "/verify",
    "/kiem-tra/",
    "/cap-do-dich/",
)


class RequestIdMiddleware:
    """Gives each request an id (or takes the proxy's X-Request-ID) that audit rows and logs carry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")[:36] or None
        ip = request.META.get("REMOTE_ADDR")
        with request_context(ip=ip, request_id=incoming) as ctx:
            request.request_id = ctx.request_id
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response


class LoginRequiredMiddleware:
    """Deny by default: every page needs a logged-in user unless its path is listed as public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class LanguageMiddleware:
    """Vietnamese unless the user chose another language (cookie set by the language switch).

    Django's LocaleMiddleware would follow the browser's Accept-Language; officers share devices and
    expect the platform in Vietnamese first, so the browser's preference is deliberately ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
