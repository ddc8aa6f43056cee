"""URLs: HTML under /, JSON API under /api/v1/, health check at /healthz."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from kith.accounts import views as account_views
from kith.api import api

admin.site.site_header = "Kith administration"
admin.site.site_title = "Kith administration"

urlpatterns = [
    path("healthz", account_views.healthz, name="healthz"),
    # Sign-in (django-allauth), MFA and API tokens: kith/accounts/urls.py.
    path("accounts/", include("kith.accounts.urls")),
    path("api/v1/", api.urls),
    path("maps/", include("kith.maps.urls")),
    path("assets/", include("kith.assets.urls")),
    path("openreferral/", include("kith.assets.openreferral_urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("kith.audit.urls")),
    path("", include("kith.plans.urls")),
    path("", include("kith.outcomes.urls")),
    path("", include("kith.people.urls")),
]
