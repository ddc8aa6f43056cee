from __future__ import annotations

from django.urls import path

from kith.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
]
