from __future__ import annotations

from django.urls import path

from kith.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("people/<int:person_id>/questionnaires/", views.person_responses, name="person"),
    path(
        "people/<int:person_id>/questionnaires/new/<slug:instrument_id>/",
        views.response_add,
        name="response_add",
    ),
    path("people/<int:person_id>/questionnaires/schedule/", views.schedule_edit, name="schedule"),
    path("questionnaires/due/", views.due, name="due"),
    path("questionnaires/<int:response_id>/", views.response_detail, name="response"),
    path("questionnaires/<int:response_id>/edit/", views.response_edit, name="edit"),
    path("questionnaires/<int:response_id>/sign/", views.response_sign, name="sign"),
    path("questionnaires/<int:response_id>/amend/", views.response_amend, name="amend"),
]
