import re

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose otherwise with the language switch (its cookie).

    Django's own middleware follows the browser's Accept-Language, so an English-language
    browser would open an agency's system in English; here only the person's choice counts."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# NUL, which PostgreSQL refuses in text (a 500 deep in a query), and lone surrogates, which
# cannot be encoded at all. No legitimate address, search or form field contains them.
UNREADABLE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/v1/"


def _unreadable(text: str) -> bool:
    return bool(UNREADABLE_CHARACTERS.search(text))


def has_unreadable_input(request) -> bool:
    """Whether the address, the query or a form field (name or value) holds a character that no
    page can take. (Django's upload parser already replaces NUL in an uploaded file's name.)"""
    if _unreadable(request.path_info):
        return True
    for key, values in request.GET.lists():
        if _unreadable(key) or any(_unreadable(value) for value in values):
            return True
    # Only form bodies are read here: the API reads its own JSON, and answers its own errors.
    is_form = request.method == "POST" and request.content_type in FORM_CONTENT_TYPES
    if is_form and not request.path_info.startswith(API_PREFIX):
        for key, values in request.POST.lists():
            if _unreadable(key) or any(_unreadable(value) for value in values):
                return True
        if any(_unreadable(key) for key in request.FILES):
            return True
    return False


class RejectUnreadableInputMiddleware:
    """400 for a request carrying NUL or a lone surrogate, before any view takes it to the
    database: the app's error page, or the API's JSON error under /api/v1/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_unreadable_input(request):
            return self.refusal(request)
        return self.get_response(request)

    @staticmethod
    def refusal(request):
        message = _("The address or the form contains characters that cannot be read (such as a NUL character).")
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "400.html", {"message": message}, status=400)


class NoStoreForSignedInMiddleware:
    """Nothing shown to a signed-in person is kept by the browser or a proxy: pages and downloads
    carry personal data (scores, levels, evidence). Static files are served before this by
    WhiteNoise, which keeps their long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
