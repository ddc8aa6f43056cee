from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from kith.accounts.forms import GovukForm
from kith.audit.models import AuditEvent, Verb
from kith.audit.registry import SENSITIVE_MODELS

#: Record types offered in the filter: the case records, plus accounts and the audit itself.
OBJECT_TYPES = [*SENSITIVE_MODELS, "accounts.user", "accounts.apitoken", "audit.auditevent"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class AuditFilterForm(GovukForm):
    actor = forms.CharField(
        label="Who", required=False, max_length=150, help_text="A username or a user id."
    )
    verb = forms.ChoiceField(
        label="What they did", required=False, choices=[("", "Anything"), *Verb.choices]
    )
    object_type = forms.ChoiceField(
        label="Record type",
        required=False,
        choices=[("", "Any"), *((t, t) for t in OBJECT_TYPES)],
    )
    person = forms.IntegerField(label="Person id", required=False, min_value=1)
    since = forms.DateField(label="From (UTC date)", required=False, widget=DateInput())
    until = forms.DateField(label="To (UTC date, inclusive)", required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be on or after the start date.")
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """``events`` narrowed by the valid filters (all events when the form is empty)."""
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        actor = (data.get("actor") or "").strip()
        if actor:
            who = Q(actor_name=actor)
            if actor.isdigit():
                who |= Q(actor_id=int(actor))
            events = events.filter(who)
        if data.get("verb"):
            events = events.filter(verb=data["verb"])
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("person"):
            events = events.filter(person_id=data["person"])
        if data.get("since"):
            events = events.filter(at__gte=_utc_midnight(data["since"]))
        if data.get("until"):
            events = events.filter(at__lt=_utc_midnight(data["until"] + dt.timedelta(days=1)))
        return events


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
