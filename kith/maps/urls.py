from __future__ import annotations

from django.urls import path

from kith.maps import exports, views

app_name = "maps"

urlpatterns = [
    path("<int:map_id>/", views.map_detail, name="detail"),
    path("<int:map_id>/map.svg", views.map_svg, name="svg"),
    path("<int:map_id>/map.pdf", exports.map_pdf, name="pdf"),
    path("<int:map_id>/map.png", exports.map_png, name="png"),
    path("<int:map_id>/edit/", views.map_edit, name="edit"),
    path("<int:map_id>/finalise/", views.map_finalise, name="finalise"),
    path("<int:map_id>/members/new/", views.member_add, name="member_add"),
    path("<int:map_id>/members/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("<int:map_id>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("<int:map_id>/ties/new/", views.tie_add, name="tie_add"),
    path("<int:map_id>/ties/toggle/", views.tie_toggle, name="tie_toggle"),
    path("<int:map_id>/members/move/", views.member_move, name="member_move"),
    path("<int:map_id>/members/quick/", views.member_quick_add, name="quick_add"),
    path("<int:map_id>/ties/<int:tie_id>/remove/", views.tie_remove, name="tie_remove"),
]
