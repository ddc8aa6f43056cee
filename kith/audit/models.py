"""The audit trail: one append-only row per thing someone did to (or saw of) a record.

Rows are written once and never changed: ``actor_id`` and ``person_id`` are plain integers, not
foreign keys, so deleting a user or erasing a person never cascades into (or blocks on) the
audit. On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on the table (migration 0002).
Only names of fields are kept, never their values.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Verb(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    VIEW = "view", "View"
    EXPORT = "export", "Export"
    LOGIN = "login", "Sign in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Sign out"
    ACCESS_REFUSED = "access_refused", "Access refused"
    ERASE = "erase", "Erase"
    RETENTION_DELETE = "retention_delete", "Retention delete"
    SUBJECT_ACCESS = "subject_access", "Subject access export"
    ROTATE_KEYS = "rotate_keys", "Rotate keys"
    TOKEN_CREATE = "token_create", "API token created"
    TOKEN_REVOKE = "token_revoke", "API token revoked"


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(max_length=150, blank=True)
    verb = models.CharField(max_length=20, choices=Verb.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=["object_type", "object_id"], name="audit_object"),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name or '-'} {self.verb} {self.object_type} {self.object_id}"
