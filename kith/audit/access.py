"""Reads of the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from kith.audit.models import AuditEvent


def events_for_person(person_id: int) -> QuerySet[AuditEvent]:
    """Every event about person ``person_id``, newest first (for subject access and erasure)."""
    return AuditEvent.objects.filter(person_id=person_id).order_by("-at", "-id")
