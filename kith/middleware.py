"""Response headers and request limits that apply to every page (docs/security.md).

* :class:`PrivateResponsesMiddleware`: ``Cache-Control: no-store`` on everything that may carry
  personal data (all but the public Open Referral API and the health check; static files are
  served before this runs), and a ``Permissions-Policy`` switching off the browser features Kith
  never uses. The Content-Security-Policy comes from django-csp, HSTS, nosniff, the referrer and
  opener policies and frame denial from Django's own middleware; settings.py configures them.
* :class:`RequestSizeMiddleware`: a request body larger than ``KITH_REQUEST_MAX_BYTES``, or a
  form over Django's field-size and field-count limits, is refused before any view runs, with a
  page saying what the limit is, so nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.template.loader import render_to_string
from django.utils.http import http_date

Handler = Callable[[HttpRequest], HttpResponse]

#: Paths whose responses hold no personal data and may be cached by browsers and proxies.
PUBLIC_PREFIXES = ("/openreferral/", "/healthz", settings.STATIC_URL)

#: Browser features no page of Kith uses; a script injected despite the CSP gets none of them.
#: (Sign-in uses TOTP codes, not WebAuthn: allowing passkeys would mean dropping
#: ``publickey-credentials-get`` here.)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


class PrivateResponsesMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not is_public(request.path_info):
            # Overrides whatever a view said: a shared or back-button cache must never keep a
            # page about a person, a map or a questionnaire (ASVS 14.3.2).
            response["Cache-Control"] = "no-store"
            response["Expires"] = http_date(0)
        return response


class RequestSizeMiddleware:
    """Refuse oversized or over-long bodies with a clear 413 page instead of Django's bare 400."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.KITH_REQUEST_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(
                request, f"The request was {_size(length)}; Kith takes at most {_size(limit)}."
            )
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            # Parsed here (the CSRF check would parse it next anyway) so that Django's limits
            # on form size and field count answer with a page that says which limit was hit.
            try:
                request.POST  # noqa: B018
            except RequestDataTooBig:
                return too_large(
                    request,
                    "The form's text was longer than Kith takes "
                    f"({_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}).",
                )
            except TooManyFieldsSent:
                return too_large(
                    request,
                    "The form had more fields than Kith takes "
                    f"({settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}).",
                )
            except TooManyFilesSent:
                return too_large(
                    request,
                    "The form had more files than Kith takes "
                    f"({settings.DATA_UPLOAD_MAX_NUMBER_FILES}).",
                )
            except UnreadablePostError:
                pass  # the client went away; the CSRF check answers as it always has
        return self.get_response(request)


def too_large(request: HttpRequest, reason: str) -> HttpResponse:
    """413 with ``reason``: JSON for the API, a short page for people."""
    message = f"{reason} Nothing was saved."
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(
        render_to_string("request_too_large.html", {"message": message}, request=request),
        status=413,
    )


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"
