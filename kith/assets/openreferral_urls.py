"""/openreferral/: the public Open Referral (HSDS 3.0) read API."""

from __future__ import annotations

from django.urls import path

from kith.assets import openreferral as views

app_name = "openreferral"

urlpatterns = [
    path("", views.root, name="root"),
    path("services", views.services, name="services"),
    path("services/<str:rid>", views.service_detail, name="service"),
    path("service_at_locations", views.service_at_locations, name="service_at_locations"),
    path(
        "service_at_locations/<str:rid>",
        views.service_at_location_detail,
        name="service_at_location",
    ),
    path("organizations", views.organizations, name="organizations"),
    path("organizations/<str:rid>", views.organization_detail, name="organization"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:rid>", views.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:rid>", views.taxonomy_term_detail, name="taxonomy_term"),
]
