from __future__ import annotations

from django.urls import path

from kith.plans import views

app_name = "plans"

urlpatterns = [
    path("people/<int:person_id>/plan/", views.plan, name="plan"),
    path("people/<int:person_id>/progress/", views.progress, name="progress"),
    path(
        "people/<int:person_id>/my-connections.pdf",
        views.my_connections_pdf,
        name="my_connections",
    ),
    path("people/<int:person_id>/interests/new/", views.interest_add, name="interest_add"),
    path("people/<int:person_id>/goals/new/", views.goal_add, name="goal_add"),
    path("people/<int:person_id>/rounds/new/", views.cycle_start, name="cycle_start"),
    path("plans/interests/<int:interest_id>/edit/", views.interest_edit, name="interest_edit"),
    path(
        "plans/interests/<int:interest_id>/remove/", views.interest_remove, name="interest_remove"
    ),
    path("plans/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("plans/goals/<int:goal_id>/steps/new/", views.action_add, name="action_add"),
    path("plans/steps/<int:action_id>/edit/", views.action_edit, name="action_edit"),
    path("plans/steps/<int:action_id>/follow-up/", views.follow_up_add, name="follow_up_add"),
    path("plans/rounds/<int:cycle_id>/next/", views.cycle_advance, name="cycle_advance"),
    path("plans/rounds/<int:cycle_id>/review/", views.review_start, name="review_start"),
    path("plans/rounds/<int:cycle_id>/review-note/", views.review_close, name="review_close"),
    path("plans/overdue/", views.overdue, name="overdue"),
    path("fidelity/", views.fidelity_list, name="fidelity"),
    path("fidelity/new/", views.fidelity_add, name="fidelity_add"),
    path("teams/<int:team_id>/", views.team_view, name="team"),
]
