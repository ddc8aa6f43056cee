from __future__ import annotations

from django.urls import path

from kith.maps import views as map_views
from kith.people import gdpr_views, views

app_name = "people"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("people/new/", views.person_create, name="create"),
    path("people/<int:person_id>/", views.person_detail, name="detail"),
    path("people/<int:person_id>/edit/", views.person_edit, name="edit"),
    path(
        "people/<int:person_id>/subject-access/",
        gdpr_views.subject_access,
        name="subject_access",
    ),
    path("people/<int:person_id>/erase/", gdpr_views.erase, name="erase"),
    path("people/<int:person_id>/maps/new/", map_views.start_map, name="start_map"),
    path("people/<int:person_id>/compare/", map_views.compare, name="compare"),
]
