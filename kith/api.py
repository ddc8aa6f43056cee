"""The JSON API under /api/v1/: one NinjaAPI mounting each app's router.

Two ways in: a personal API token (``Authorization: Bearer kith_…``, kith/accounts/tokens.py;
read-only tokens get 403 on unsafe methods, expired or revoked ones 401) or a signed-in session
(unsafe methods then need Django's CSRF token). OpenAPI 3.1 at /api/v1/openapi.json (public: it describes, it holds no data).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.security import django_auth

from kith.accounts.tokens import TokenAuth
from kith.maps.api import router as maps_router
from kith.outcomes.api import router as outcomes_router
from kith.people.api import router as people_router
from kith.plans.api import router as plans_router

#: Errors any operation may answer, declared on every operation of the OpenAPI document so
#: clients (and the schemathesis test, kith/tests/test_api_schemathesis.py) know their shape:
#: ``{"detail": "text"}``, or for 422 django-ninja's list of located validation problems.
ERROR_RESPONSES: dict[str, str] = {
    "400": "Malformed request (a body that is not JSON)",
    "401": "Not signed in, or the API token is unknown, expired or revoked",
    "403": "Signed in, but the token's scope or the role does not allow this",
    "404": "No such record, or a record of another team",
    "409": "Conflict with the record's state or version (If-Match)",
    "422": "A parameter or field that does not validate",
    "428": "The change needs an If-Match header with the record's version",
}
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "detail": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}]}
    },
    "required": ["detail"],
}


class KithNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares :data:`ERROR_RESPONSES` on every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in ERROR_RESPONSES.items():
                    responses.setdefault(
                        int(code),  # django-ninja keys responses by int status
                        {
                            "description": description,
                            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
                        },
                    )
        return schema


api = KithNinjaAPI(
    title="Kith API",
    version="1",
    description="People, maps, members, ties, measures and change. "
    "Same access rules as the web pages: 404 for records of other teams.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    # The interactive docs page loads Swagger UI from a CDN; Kith fetches nothing at run time.
    docs_url=None,
)
api.add_router("/", people_router)
api.add_router("/", maps_router)
api.add_router("/", plans_router)
api.add_router("/", outcomes_router)
