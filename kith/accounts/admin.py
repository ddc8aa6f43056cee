from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest

from kith.accounts.actions import do_deactivate_user, do_revoke_api_token
from kith.accounts.models import ApiToken, Membership, Organisation, Team, User

# The admin site's own login form would skip the MFA step and the lockout: send it to Kith's.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = (MembershipInline,)
    fieldsets = (*BaseUserAdmin.fieldsets, ("Kith", {"fields": ("organisation",)}))
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")
    actions = ("deactivate",)

    @admin.action(description="Deactivate (end their sessions, revoke their API tokens)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(is_active=True):
            do_deactivate_user(user, by=request.user)  # type: ignore[arg-type]
        messages.success(request, "Deactivated; their sessions have ended.")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unticking "active" ends the user's sessions and tokens at once, as the action does.
            do_deactivate_user(obj, by=request.user)  # type: ignore[arg-type]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")
    inlines = (MembershipInline,)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Admins see and revoke tokens; tokens are made by their owners (the token is theirs)."""

    list_display = ("name", "user", "prefix", "scope", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("scope",)
    fields = list_display
    readonly_fields = list_display
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            do_revoke_api_token(token, by=request.user)  # type: ignore[arg-type]
        messages.success(request, "Revoked.")
