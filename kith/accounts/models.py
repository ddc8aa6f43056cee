"""Organisations, teams, users and their roles in teams.

A practitioner or team lead sees the people on the caseload of the teams they belong to and
nobody else's. A directory editor keeps the community asset directory; an admin manages
users, teams, retention and backups. Neither of those two roles gives access to case records:
an admin who also works a caseload is given a practitioner or team-lead membership as well.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ("name",)
        constraints = (
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique"),
        )

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_LEAD = "team_lead", "Team lead"
    DIRECTORY_EDITOR = "directory_editor", "Directory editor"
    ADMIN = "admin", "Admin"


#: Roles that work a team's caseload (and so may read and change its people and maps).
CASELOAD_ROLES: frozenset[str] = frozenset({Role.PRACTITIONER, Role.TEAM_LEAD})


class User(AbstractUser):
    """A worker. Membership of teams (with a role in each) decides what they can see."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def caseload_team_ids(self) -> list[int]:
        """Ids of the teams whose caseload this user works (cached on the instance: one query)."""
        cached: list[int] | None = getattr(self, "_caseload_team_ids", None)
        if cached is None:
            cached = sorted(
                self.memberships.filter(role__in=CASELOAD_ROLES).values_list("team_id", flat=True)
            )
            self._caseload_team_ids = cached
        return cached

    def has_role(self, role: str) -> bool:
        return self.memberships.filter(role=role).exists()

    def is_team_lead_of(self, team_id: int) -> bool:
        return self.memberships.filter(role=Role.TEAM_LEAD, team_id=team_id).exists()


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)

    class Meta:
        ordering = ("team__name", "user__username")
        constraints = (
            models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique"),
        )

    def __str__(self) -> str:
        return f"{self.user} — {self.team} ({self.get_role_display()})"


class Authored(models.Model):
    """Who created a record and when it was created and last changed (for case records)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserSession(models.Model):
    """One row per signed-in session, written at sign-in, so that all of a user's sessions can
    be ended at once (deactivation, password change) by key instead of decoding every session
    in the store."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"session of user {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


#: How long a new API token may last, in days (the tokens page offers these).
TOKEN_LIFETIMES_DAYS = (30, 90, 365)


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and change"


class ApiToken(models.Model):
    """A personal token for the JSON API. The token itself is shown once, at creation; only its
    SHA-256 digest is kept, found through the public ``prefix`` that starts it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} (kith_{self.prefix}_…)"

    def state(self, now: dt.datetime) -> str:
        """ "revoked", "expired" or "active" at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"
