"""A person supported by the service (the *ego* of network research)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse

from kith.accounts.fields import EncryptedCharField
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


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1): the lawful basis for processing the person's data."""

    PUBLIC_TASK = "public_task", "Public task — Art. 6(1)(e)"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation — Art. 6(1)(c)"
    CONSENT = "consent", "Consent — Art. 6(1)(a)"
    CONTRACT = "contract", "Contract — Art. 6(1)(b)"
    VITAL_INTERESTS = "vital_interests", "Vital interests — Art. 6(1)(d)"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests — Art. 6(1)(f)"


class SpecialCategoryCondition(models.TextChoices):
    """UK GDPR Article 9(2): the condition for processing health (special category) data."""

    HEALTH_SOCIAL_CARE = "health_social_care", "Health or social care — Art. 9(2)(h)"
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent — Art. 9(2)(a)"
    SOCIAL_PROTECTION = (
        "social_protection",
        "Employment, social security and social protection — Art. 9(2)(b)",
    )
    VITAL_INTERESTS = "vital_interests", "Vital interests — Art. 9(2)(c)"
    LEGAL_CLAIMS = "legal_claims", "Legal claims — Art. 9(2)(f)"
    SUBSTANTIAL_PUBLIC_INTEREST = (
        "substantial_public_interest",
        "Substantial public interest — Art. 9(2)(g)",
    )
    PUBLIC_HEALTH = "public_health", "Public health — Art. 9(2)(i)"
    RESEARCH = "research", "Archiving, research or statistics — Art. 9(2)(j)"


class Person(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="people")
    display_name = EncryptedCharField(
        "name, pseudonym or initials",
        max_length=120,
        help_text="What the person wants to be called here. Initials or a pseudonym are fine.",
    )
    reference = EncryptedCharField(
        "local reference", max_length=60, blank=True, help_text="Your service's own case number."
    )
    birth_year = models.PositiveSmallIntegerField("year of birth", null=True, blank=True)
    pronouns = EncryptedCharField(max_length=40, blank=True)
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_people",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    consent_date = models.DateField("date consent was given", null=True, blank=True)
    consent_by = EncryptedCharField(
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
    consent_withdrawn_on = models.DateField(
        "date consent was withdrawn",
        null=True,
        blank=True,
        help_text="Leave empty unless the person has withdrawn their consent.",
    )
    # UK GDPR: why the service may hold this record at all, whatever the consent above says.
    lawful_basis = models.CharField(
        "lawful basis (UK GDPR Article 6)",
        max_length=30,
        choices=LawfulBasis.choices,
        blank=True,
        help_text="Councils and NHS services usually rely on public task.",
    )
    special_category_condition = models.CharField(
        "condition for health data (UK GDPR Article 9)",
        max_length=30,
        choices=SpecialCategoryCondition.choices,
        blank=True,
        help_text="Usually health or social care, Article 9(2)(h).",
    )
    # Set by do_update_person when the status moves to closed; retention counts from it.
    closed_on = models.DateField("case closed on", null=True, blank=True)
    legal_hold = models.BooleanField(
        "legal hold",
        default=False,
        help_text="While set, the record cannot be erased, by request or by the retention rule.",
    )
    legal_hold_reason = EncryptedCharField(
        "reason for the legal hold",
        max_length=200,
        blank=True,
        help_text="For example a complaint, a safeguarding enquiry or court proceedings.",
    )
    next_review = models.DateField("next review", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Not by name: names are encrypted in the database (lists sort by name in Python).
        ordering = ("id",)
        verbose_name_plural = "people"
        indexes = (
            models.Index(fields=["team", "status"]),
            models.Index(fields=["next_review"]),
            models.Index(fields=["status", "closed_on"]),
        )

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
