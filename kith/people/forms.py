from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms

from kith.accounts.forms import GovukForm, GovukModelForm
from kith.accounts.models import CASELOAD_ROLES, Team, User
from kith.people.models import Person


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonForm(GovukModelForm):
    class Meta:
        model = Person
        fields = (
            "display_name",
            "pronouns",
            "birth_year",
            "reference",
            "team",
            "key_worker",
            "status",
            "consent_date",
            "consent_by",
            "consent_how",
            "next_review",
        )
        error_messages: ClassVar[dict[str, Any]] = {
            "display_name": {"required": "Enter a name, pseudonym or initials"},
        }
        widgets: ClassVar[dict[str, Any]] = {
            "consent_date": DateInput(),
            "next_review": DateInput(),
            "status": forms.RadioSelect,
            "consent_how": forms.RadioSelect,
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_ids = user.caseload_team_ids()
        self.fields["team"].queryset = Team.objects.filter(pk__in=team_ids)
        self.fields["team"].empty_label = None
        self.fields["key_worker"].queryset = (
            User.objects.filter(
                memberships__team_id__in=team_ids,
                memberships__role__in=CASELOAD_ROLES,
                is_active=True,
            )
            .distinct()
            .order_by("first_name", "username")
        )
        self.fields["key_worker"].label_from_instance = lambda u: u.display_name
        self.fields["consent_how"].choices = [c for c in self.fields["consent_how"].choices if c[0]]
        if not self.instance.pk:
            self.fields["key_worker"].initial = user.pk
            if len(team_ids) == 1:
                self.fields["team"].initial = team_ids[0]

    def clean_birth_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("birth_year")
        if year is not None and not (1900 <= year <= dt.date.today().year):
            raise forms.ValidationError(
                f"Enter a year between 1900 and {dt.date.today().year}, or leave it empty"
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("consent_date") and not data.get("consent_how"):
            self.add_error("consent_how", "Say how consent was given")
        if data.get("consent_date") and data["consent_date"] > dt.date.today():
            self.add_error("consent_date", "The date consent was given must be today or earlier")
        return data


SHOW_CHOICES = [
    ("team", "Everyone on my teams"),
    ("mine", "My key-worker caseload"),
    ("review", "Review due"),
    ("unmapped", "Not mapped yet"),
]
SORT_CHOICES = [
    ("name", "Name"),
    ("last_map", "Last map (oldest first)"),
    ("next_review", "Next review (soonest first)"),
]


class CaseloadFilterForm(GovukForm):
    q = forms.CharField(label="Search by name or reference", required=False, max_length=100)
    show = forms.ChoiceField(label="Show", choices=SHOW_CHOICES, required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)
    closed = forms.BooleanField(label="Include closed", required=False)
