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
            "consent_withdrawn_on",
            "next_review",
            "lawful_basis",
            "special_category_condition",
            "legal_hold",
            "legal_hold_reason",
        )
        error_messages: ClassVar[dict[str, Any]] = {
            "display_name": {"required": "Enter a name, pseudonym or initials"},
        }
        widgets: ClassVar[dict[str, Any]] = {
            "consent_date": DateInput(),
            "consent_withdrawn_on": DateInput(),
            "next_review": DateInput(),
            "status": forms.RadioSelect,
            "consent_how": forms.RadioSelect,
            "lawful_basis": forms.RadioSelect,
            "special_category_condition": forms.RadioSelect,
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
        for name in ("consent_how", "lawful_basis", "special_category_condition"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        # Anyone on the team may place a legal hold (it only stops deletion); only a team lead of
        # the person's team may lift one.
        self.can_lift_hold = not (self.instance.pk and self.instance.legal_hold) or (
            user.is_team_lead_of(self.instance.team_id)
        )
        if not self.can_lift_hold:
            for name in ("legal_hold", "legal_hold_reason"):
                self.fields[name].disabled = True
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
        withdrawn = data.get("consent_withdrawn_on")
        if withdrawn and withdrawn > dt.date.today():
            self.add_error(
                "consent_withdrawn_on", "The date consent was withdrawn must be today or earlier"
            )
        elif withdrawn and data.get("consent_date") and withdrawn < data["consent_date"]:
            self.add_error(
                "consent_withdrawn_on",
                "The date consent was withdrawn must be on or after the date it was given",
            )
        if data.get("legal_hold") and not (data.get("legal_hold_reason") or "").strip():
            self.add_error("legal_hold_reason", "Say why the record is on legal hold")
        return data


class EraseForm(GovukForm):
    """Erasing a person: type their reference (or initials) to show it is the right record."""

    confirm = forms.CharField(label="", max_length=120)
    reason = forms.CharField(
        label="Why is the record being erased?",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example “the person asked for erasure on 3 March”. Do not write names: "
        "the reason is kept in the audit trail after the record has gone.",
        error_messages={"required": "Say why the record is being erased"},
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = confirmation_phrase(person)
        self.fields["confirm"].label = f"To confirm, type {self.expected}"
        self.fields["confirm"].error_messages["required"] = f"Type {self.expected} to confirm"

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"]
        if _folded(typed) != _folded(self.expected):
            raise forms.ValidationError(f"Type {self.expected} exactly to confirm")
        return typed


def _folded(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def confirmation_phrase(person: Person) -> str:
    """What a team lead types to confirm an erasure: the local reference, else the initials."""
    if person.reference.strip():
        return person.reference.strip()
    initials = "".join(w[0] for w in person.display_name.split() if w[0].isalnum()).upper()
    return initials or str(person.pk)


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
