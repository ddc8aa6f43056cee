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


# --- The map editor: quick add, move to a circle, tie or untie (each also a plain form). ---

#: Shortcut words of the quick-add box, each written after a slash ("Mum /family /1").
QUICK_KINDS = tuple(value for value, _ in KIND_CHOICES)
QUICK_RELATIONSHIPS = tuple(value for value, _ in RELATIONSHIP_CHOICES)
#: Circle 0 means "not placed yet" (written ``/0``).
QUICK_CIRCLES = ("0", "1", "2", "3")


def parse_quick_add(text: str) -> dict[str, Any]:
    """Split quick-add text into member fields.

    The label is every word that does not start with ``/``. Shortcuts: ``/1``, ``/2``, ``/3``
    (the circle; ``/0`` for not placed), a kind (``/group``, ``/place``, …) and a relationship
    (``/family``, ``/friend``, …). A shortcut may be shortened to any start that names only
    one word (``/fam``, ``/gr``).

    >>> parse_quick_add("Walking group /gr /2")
    {'label': 'Walking group', 'kind': 'group', 'circle': 2}
    >>> parse_quick_add("Mum /1 /family")
    {'label': 'Mum', 'kind': 'person', 'circle': 1, 'relationship': 'family'}
    """
    words: list[str] = []
    fields: dict[str, Any] = {"kind": "person"}
    seen: set[str] = set()
    for word in text.split():
        if not word.startswith("/") or word == "/":
            words.append(word)
            continue
        short = word[1:].lower()
        if short in QUICK_CIRCLES:
            what, value = "circle", short
        else:
            found = [
                (what, value)
                for what, values in (("kind", QUICK_KINDS), ("relationship", QUICK_RELATIONSHIPS))
                for value in values
                if value.startswith(short)
            ]
            exact = [f for f in found if f[1] == short]
            if exact:
                found = exact
            if not found:
                raise forms.ValidationError(
                    f"“{word}” is not a shortcut. Use /1, /2 or /3 for the circle, a kind "
                    f"(/{', /'.join(QUICK_KINDS)}) or a relationship "
                    f"(/{', /'.join(QUICK_RELATIONSHIPS)})."
                )
            if len(found) > 1:
                names = ", ".join("/" + v for _, v in found)
                raise forms.ValidationError(f"“{word}” could be {names}: type more letters.")
            what, value = found[0]
        if what in seen:
            raise forms.ValidationError(f"“{word}”: give only one {what}.")
        seen.add(what)
        fields[what] = (int(value) or None) if what == "circle" else value
    label = " ".join(words)
    if not label:
        raise forms.ValidationError("Type a name or description before the shortcuts")
    if len(label) > 120:
        raise forms.ValidationError("The name must be 120 characters or fewer")
    return {"label": label, **fields}


class QuickAddForm(VersionForm):
    text = forms.CharField(
        label="Quick add a member",
        max_length=300,
        error_messages={"required": "Type a name or description, then press Enter"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Type a name, then optional shortcuts: /1, /2 or /3 for the circle, a kind "
        "such as /group or /place, a relationship such as /family or /friend. "
        "Example: Sam from the allotment /2 /friend.",
    )

    def clean_text(self) -> dict[str, Any]:
        return parse_quick_add(self.cleaned_data["text"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                Member(key="new", **data["text"])
            except NetworkError as error:
                self.add_error("text", _WHERE.sub("", str(error)))
        return data


class MoveForm(VersionForm):
    """Put one member (by key) in a circle; an empty circle means "not placed yet"."""

    key = forms.CharField(max_length=60, widget=forms.HiddenInput)
    circle = forms.TypedChoiceField(
        label="Circle",
        choices=[*CIRCLE_CHOICES, ("", "Not placed yet")],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="1 is the closest and most important.",
    )


class MovePickForm(MoveForm):
    """The page form of a move, without JavaScript: the member is chosen from a list."""

    def __init__(self, *args: Any, members: list[MapMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"] = forms.ChoiceField(
            label="Member",
            choices=[(m.key, m.label or m.key) for m in members],
            error_messages={"invalid_choice": "Choose a member of this map"},
        )
        self.order_fields(["version", "key", "circle"])


class TieToggleForm(VersionForm):
    """Tie two members (by key), or untie them if they are tied."""

    a = forms.CharField(max_length=60, widget=forms.HiddenInput)
    b = forms.CharField(max_length=60, widget=forms.HiddenInput)
    want = forms.ChoiceField(
        choices=[("tie", "Tie"), ("untie", "Untie")], initial="tie", widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError("Choose two different members")
        return data
