"""The JSON API under /api/v1/: one NinjaAPI mounting each app's router.

Signed-in sessions only for now (API tokens come with the accounts/MFA issue); unsafe
methods need Django's CSRF token. OpenAPI 3.1 at /api/v1/openapi.json (public: it describes, it holds no data).
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from kith.maps.api import router as maps_router
from kith.outcomes.api import router as outcomes_router
from kith.people.api import router as people_router
from kith.plans.api import router as plans_router

api = NinjaAPI(
    title="Kith API",
    version="1",
    description="People, maps, members, ties, measures and change. "
    "Same access rules as the web pages: 404 for records of other teams.",
    auth=django_auth,
    urls_namespace="api",
    # The interactive docs page loads Swagger UI from a CDN; Kith fetches nothing at run time.
    docs_url=None,
)
api.add_router("/", people_router)
api.add_router("/", maps_router)
api.add_router("/", plans_router)
api.add_router("/", outcomes_router)
