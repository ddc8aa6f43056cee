"""A person supported by the service (the *ego* of network research)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse

from kith.accounts.models import Team

#: Default time from a final map to the next review.
REVIEW_INTERVAL = dt.timedelta(days=91)


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ConsentHow(models.TextChoices):
    VERBAL = "verbal", "Spoken (verbal)"
    WRITTEN = "written", "Written"
    ELECTRONIC = "electronic", "Electronic"


class Person(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="people")
    display_name = models.CharField(
        "name, pseudonym or initials",
        max_length=120,
        help_text="What the person wants to be called here. Initials or a pseudonym are fine.",
    )
    reference = models.CharField(
        "local reference", max_length=60, blank=True, help_text="Your service's own case number."
    )
    birth_year = models.PositiveSmallIntegerField("year of birth", null=True, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_people",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    consent_date = models.DateField("date consent was given", null=True, blank=True)
    consent_by = models.CharField(
        "consent given by",
        max_length=120,
        blank=True,
        help_text="Usually the person themself; otherwise who gave consent on their behalf.",
    )
    consent_how = models.CharField(
        "how consent was given", max_length=20, choices=ConsentHow.choices, blank=True
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    next_review = models.DateField("next review", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("display_name", "id")
        verbose_name_plural = "people"
        indexes = (models.Index(fields=["team", "status"]), models.Index(fields=["next_review"]))

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", args=[self.pk])

    @property
    def has_consent(self) -> bool:
        return self.consent_date is not None

    def review_due(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return self.next_review is not None and self.next_review <= today
