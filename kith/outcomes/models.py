"""Outcome questionnaires in the web app: responses, their amendments, reassessment schedules
and the licensed item text an organisation has loaded.

Definitions and scoring live in the pure core (:mod:`kith.instruments`); a :class:`Response`
keeps the answers, the score the core computed when the answers were saved, and whether it
was signed. A signed response is locked: it changes only through :class:`Amendment` records
(who, when, why, before and after), written by ``actions.do_amend_response``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from kith.accounts.fields import EncryptedTextField
from kith.accounts.models import Authored, Organisation
from kith.people.models import Person


class LicensedText(models.Model):
    """An organisation's own copy of a licensed instrument's text (``kith manage load_instrument``).

    ``data`` is the licensed-text file as loaded (format in docs/instruments.md); it was
    checked with :func:`kith.instruments.merge_licensed_text` before it was stored.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="licensed_texts"
    )
    instrument_id = models.CharField(max_length=40)
    data = models.JSONField()
    licence_holder = models.CharField(max_length=200)
    licence_expires = models.DateField(null=True, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)
    source_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ("organisation", "instrument_id")
        constraints = (
            models.UniqueConstraint(
                fields=["organisation", "instrument_id"], name="licensed_text_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.instrument_id} text for {self.organisation}"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class Response(Authored):
    """One completed questionnaire of one person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="responses")
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=120, blank=True)
    date = models.DateField("date completed")
    answers = models.JSONField(default=dict, blank=True)
    score = models.JSONField(default=dict, blank=True)
    #: The total (or ``None``: too many items missing, or an instrument never summed).
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("person", "date", "id")
        indexes = (models.Index(fields=["person", "instrument_id", "date"]),)

    def __str__(self) -> str:
        return f"{self.instrument_id} of {self.date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:response", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.status == ResponseStatus.SIGNED


class Amendment(models.Model):
    """A change to a signed response: who made it, when, why, and the answers before and after."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="amendments")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = EncryptedTextField()
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ("response", "changed_at", "id")

    def __str__(self) -> str:
        return f"amendment of {self.response} at {self.changed_at:%d %B %Y %H:%M}"

    def changed_items(self) -> list[dict[str, Any]]:
        old = self.before.get("answers", {})
        new = self.after.get("answers", {})
        return [
            {"item": k, "before": old.get(k), "after": new.get(k)}
            for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)
        ]


EVERY_CHOICES = [(3, "Every 3 months"), (6, "Every 6 months"), (12, "Every 12 months")]


class Schedule(models.Model):
    """Reassess ``instrument_id`` every ``every_months`` months (from ``start_on``)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="schedules")
    instrument_id = models.CharField(max_length=40)
    every_months = models.PositiveSmallIntegerField(choices=EVERY_CHOICES, default=6)
    start_on = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("person", "instrument_id")
        constraints = (
            models.UniqueConstraint(fields=["person", "instrument_id"], name="schedule_unique"),
        )

    def __str__(self) -> str:
        return f"{self.instrument_id} every {self.every_months} months"

    def next_due(self, last_signed: dt.date | None) -> dt.date:
        """The next date this questionnaire is due, given the date of the last signed one."""
        if last_signed is None or last_signed < self.start_on:
            return self.start_on
        return add_months(last_signed, self.every_months)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the last day of a shorter month if needed).

    >>> add_months(dt.date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)
    """
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
