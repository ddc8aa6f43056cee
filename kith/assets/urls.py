from __future__ import annotations

from django.urls import path

from kith.assets import views

app_name = "assets"

urlpatterns = [
    path("", views.search_view, name="search"),
    path("<int:service_id>/", views.detail, name="detail"),
    path("<int:service_id>/report/", views.report_problem, name="report"),
    path("<int:service_id>/edit/", views.edit, name="edit"),
    path("review/", views.review, name="review"),
    path("problems/<int:report_id>/", views.resolve, name="resolve"),
    path("link/<int:map_id>/<int:member_id>/", views.link_member, name="link_member"),
    path("match/<int:person_id>/", views.match, name="match"),
    path("statements/", views.statements, name="statements"),
    path("statements/new/", views.statement_edit, name="statement_new"),
    path("statements/<int:statement_id>/", views.statement_edit, name="statement_edit"),
]
