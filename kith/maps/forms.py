"""Forms for maps. The core model (:mod:`kith.network`) decides what is valid; its
:class:`~kith.network.NetworkError` messages become form errors on the field they name."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from kith.accounts.forms import GovukForm
from kith.maps.models import (
    CIRCLE_CHOICES,
    CONTACT_CHOICES,
    FEELING_CHOICES,
    KIND_CHOICES,
    RELATIONSHIP_CHOICES,
    SUPPORT_CHOICES,
    WISH_CHOICES,
    MapMember,
)
from kith.network import Member, NetworkError
from kith.people.forms import DateInput

_FIELD = re.compile(r"field '(\w+)'")
_WHERE = re.compile(r"^(member|tie|map) [^:]*: ")

NOT_RECORDED = [("", "Not recorded")]


def add_network_error(form: forms.Form, error: NetworkError) -> None:
    """Attach a core-model error to the field it names (or to the whole form)."""
    text = str(error)
    match = _FIELD.search(text)
    name = match.group(1) if match and match.group(1) in form.fields else None
    message = _WHERE.sub("", text)
    if name is not None:
        label = str(form.fields[name].label or name)
        message = message.replace(f"field '{name}'", label)
    message = message[:1].upper() + message[1:]
    form.add_error(name, message)


class VersionForm(GovukForm):
    """Carries the version of the map the user saw (for conflict detection)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _parse_attribute(text: str) -> str | int | float | bool:
    value = text.strip()
    lowered = value.lower()
    if lowered in {"true", "yes"}:
        return True
    if lowered in {"false", "no"}:
        return False
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def format_attributes(attributes: dict[str, Any]) -> str:
    def show(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        return "" if v is None else str(v)

    return "\n".join(f"{k} = {show(v)}" for k, v in attributes.items())


class MemberForm(VersionForm):
    label = forms.CharField(
        label="Name or description",
        max_length=120,
        error_messages={"required": "Enter a name or description"},
        help_text="For example: Mum, Sam from the allotment, the library, walking group.",
    )
    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES, initial="person")
    circle = forms.TypedChoiceField(
        label="Circle",
        choices=CIRCLE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="1 is the closest and most important.",
    )
    relationship = forms.ChoiceField(
        label="Relationship", choices=NOT_RECORDED + RELATIONSHIP_CHOICES, required=False
    )
    contact = forms.ChoiceField(
        label="How often in contact", choices=NOT_RECORDED + CONTACT_CHOICES, required=False
    )
    support_received = forms.MultipleChoiceField(
        label="Support the person gets from them",
        choices=SUPPORT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_given = forms.MultipleChoiceField(
        label="Support the person gives them",
        choices=SUPPORT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    feeling = forms.ChoiceField(
        label="How the person feels about them",
        choices=NOT_RECORDED + FEELING_CHOICES,
        required=False,
    )
    wish = forms.ChoiceField(
        label="What the person would like", choices=NOT_RECORDED + WISH_CHOICES, required=False
    )
    asset_id = forms.CharField(
        label="Community directory entry",
        max_length=200,
        required=False,
        help_text="Id of the place, group, activity or service in the directory.",
    )
    attributes = forms.CharField(
        label="Other details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, as name = value.",
    )

    CORE_FIELDS = (
        "label",
        "kind",
        "circle",
        "relationship",
        "contact",
        "support_received",
        "support_given",
        "feeling",
        "wish",
        "asset_id",
    )

    @classmethod
    def initial_from(cls, member: MapMember, version: int) -> dict[str, Any]:
        initial = {name: getattr(member, name) for name in cls.CORE_FIELDS}
        initial["attributes"] = format_attributes(member.attributes or {})
        initial["version"] = version
        return initial

    def clean_attributes(self) -> dict[str, Any]:
        text = self.cleaned_data.get("attributes") or ""
        parsed: dict[str, Any] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise forms.ValidationError(f"Line {number}: write it as name = value")
            name, value = line.split("=", 1)
            name = name.strip()
            if not name:
                raise forms.ValidationError(f"Line {number}: the name before = is missing")
            parsed[name] = _parse_attribute(value)
        return parsed

    def member_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.CORE_FIELDS}
        fields["attributes"] = data.get("attributes") or {}
        return fields

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                Member(key="new", **self.member_fields())
            except NetworkError as error:
                add_network_error(self, error)
        return data


class TieForm(VersionForm):
    a = forms.ChoiceField(label="First member")
    b = forms.ChoiceField(label="Second member")

    def __init__(self, *args: Any, members: list[MapMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(m.key, m.label or m.key) for m in members]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            self.add_error("b", "Choose two different members")
        return data


class MapForm(VersionForm):
    date = forms.DateField(label="Date of the map", widget=DateInput())
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 5}))
