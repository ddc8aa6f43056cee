from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from kith.accounts.models import Membership, Organisation, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = (MembershipInline,)
    fieldsets = (*BaseUserAdmin.fieldsets, ("Kith", {"fields": ("organisation",)}))
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")
    inlines = (MembershipInline,)
