from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms

from kith.accounts.forms import GovukForm, GovukModelForm
from kith.assets.matching import Suggestion
from kith.people.forms import DateInput
from kith.plans import fidelity
from kith.plans.models import (
    BARRIERS,
    CHIME,
    Action,
    ActionKind,
    Company,
    FollowUp,
    Goal,
    GoalStatus,
    Happened,
    Next,
    Owner,
)

#: The interest taxonomy of the community directory (Kith's own ``kith-interest`` terms),
#: stored on an interest as HSDS term ids (strings) so that matching assets can be found.
INTEREST_TERMS: tuple[tuple[str, str], ...] = (
    ("creative", "Arts and crafts"),
    ("music", "Music and singing"),
    ("outdoors", "Outdoors and nature"),
    ("gardening", "Gardening"),
    ("physical", "Walking, sport and exercise"),
    ("social", "Meeting people"),
    ("learning", "Learning and courses"),
    ("volunteering", "Volunteering and helping others"),
    ("peer_support", "Peer support"),
    ("food", "Food and cooking"),
    ("faith", "Faith and spirituality"),
    ("reading", "Reading and writing"),
    ("games", "Games and quizzes"),
    ("advice", "Money, housing and work advice"),
)


def interest_term_choices() -> list[tuple[str, str]]:
    from kith.assets.terms import INTEREST, kith_id

    return [(kith_id(INTEREST, code), label) for code, label in INTEREST_TERMS]


def interest_term_labels() -> dict[str, str]:
    return dict(interest_term_choices())


class InterestForm(GovukForm):
    text = forms.CharField(
        label="What matters to the person",
        max_length=300,
        help_text="In their own words, for example “I would like to get out into nature”.",
        error_messages={"required": "Write what matters to the person"},
    )
    term_ids = forms.MultipleChoiceField(
        label="Kinds of activity this points to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Used to suggest community assets. Choose any that fit.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term_ids"].choices = interest_term_choices()


class GoalForm(GovukModelForm):
    chime = forms.MultipleChoiceField(
        label="What the goal is about (CHIME)",
        choices=CHIME,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Goal
        fields = ("wording", "owner", "chime", "target_date", "status")
        widgets: ClassVar[dict[str, Any]] = {
            "wording": forms.Textarea(attrs={"rows": 3}),
            "owner": forms.RadioSelect,
            "status": forms.RadioSelect,
            "target_date": DateInput(),
        }
        error_messages: ClassVar[dict[str, Any]] = {
            "wording": {"required": "Write the goal in the person's own words"},
            "owner": {"required": "Say whose goal it is to act on"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = Owner.choices
        self.fields["status"].choices = GoalStatus.choices
        if not self.instance.pk:
            self.fields["status"].initial = GoalStatus.ACTIVE


class ActionForm(GovukModelForm):
    member_key = forms.ChoiceField(label="Who on the map it is about", required=False)

    class Meta:
        model = Action
        fields = (
            "description",
            "kind",
            "asset_id",
            "asset_name",
            "member_key",
            "due_date",
            "follow_up_by",
        )
        labels: ClassVar[dict[str, str]] = {
            "asset_id": "Community asset (directory service id)",
            "asset_name": "Name of the asset",
        }
        widgets: ClassVar[dict[str, Any]] = {
            "kind": forms.RadioSelect,
            "due_date": DateInput(),
            "follow_up_by": DateInput(),
        }
        error_messages: ClassVar[dict[str, Any]] = {
            "description": {"required": "Describe the step"},
        }

    def __init__(
        self,
        *args: Any,
        members: list[tuple[str, str]],
        suggestions: Sequence[Suggestion] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ActionKind.choices
        self.fields["member_key"].choices = [("", "Nobody on the map"), *members]
        #: Assets that fit what matters to the person (kith.assets.matching), by service id.
        self.suggestions = {s.hit.service.hsds_id: s for s in suggestions}
        if self.suggestions:
            current = self.instance.asset_id if self.instance.pk else ""
            self.fields["suggested_asset"] = forms.ChoiceField(
                label="Suggested from what matters to the person",
                choices=[
                    *((sid, s.hit.service.name) for sid, s in self.suggestions.items()),
                    ("", "None of these"),
                ],
                required=False,
                initial=current if current in self.suggestions else "",
                widget=forms.RadioSelect,
                help_text="Choose one to make this step a new connection with it.",
            )
            self.order_fields(["description", "kind", "suggested_asset"])

    def suggestion_rows(self) -> list[dict[str, Any]]:
        """The suggested assets' radios, each with why it was suggested (for the template)."""
        bound = self["suggested_asset"]
        rows = []
        for option in bound.subwidgets:
            found = self.suggestions.get(str(option.data["value"]))
            rows.append({"option": option, "reason": found.reason if found else ""})
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = self.suggestions.get(data.get("suggested_asset") or "")
        if chosen is not None:
            data["asset_id"] = chosen.hit.service.hsds_id
            data["asset_name"] = chosen.hit.service.name
            if data.get("kind") in (None, "", ActionKind.OTHER):
                data["kind"] = ActionKind.NEW
        due, check = data.get("due_date"), data.get("follow_up_by")
        if due and check and check < due:
            self.add_error("follow_up_by", "Follow up on or after the date the step should happen")
        if data.get("kind") in (ActionKind.RECONNECT, ActionKind.MORE, ActionKind.LESS) and not (
            data.get("member_key")
        ):
            self.add_error("member_key", "Choose who on the map this step is about")
        return data


class FollowUpForm(GovukModelForm):
    barriers = forms.MultipleChoiceField(
        label="What got in the way",
        choices=BARRIERS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FollowUp
        fields = (
            "date",
            "happened",
            "company",
            "barriers",
            "barrier_other",
            "next_step",
            "next_follow_up",
            "notes",
        )
        widgets: ClassVar[dict[str, Any]] = {
            "date": DateInput(),
            "next_follow_up": DateInput(),
            "happened": forms.RadioSelect,
            "company": forms.RadioSelect,
            "next_step": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages: ClassVar[dict[str, Any]] = {
            "happened": {"required": "Say whether it happened"},
            "next_step": {"required": "Say what happens next"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["happened"].choices = Happened.choices
        self.fields["company"].choices = Company.choices
        self.fields["next_step"].choices = Next.choices
        if not self.instance.pk:
            self.fields["date"].initial = dt.date.today()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") and data["date"] > dt.date.today():
            self.add_error("date", "The follow-up date must be today or earlier")
        if data.get("happened") in (Happened.YES, Happened.PARTLY) and not data.get("company"):
            self.add_error("company", "Say whether the person went alone or with someone")
        if "other" in (data.get("barriers") or []) and not data.get("barrier_other"):
            self.add_error("barrier_other", "Say what the other barrier was")
        if data.get("next_step") in (Next.RETRY, Next.REPLAN, Next.KEEP):
            nxt = data.get("next_follow_up")
            if nxt is None:
                self.add_error("next_follow_up", "Give a date to follow up again by")
            elif data.get("date") and nxt <= data["date"]:
                self.add_error("next_follow_up", "The next follow-up must be after this one")
        return data


class DateForm(GovukForm):
    date = forms.DateField(label="Date", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = dt.date.today()


class ReviewNoteForm(GovukForm):
    note = forms.CharField(
        label="Review note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few lines: what went well, what changed, what next.",
        error_messages={"required": "Write a short review note"},
    )


class FidelityForm(GovukForm):
    date = forms.DateField(label="Date", widget=DateInput())
    team = forms.TypedChoiceField(label="Team", coerce=int)
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = dt.date.today()
        self.fields["team"].choices = teams
        scale = [(str(o["value"]), o["label"]) for o in fidelity.definition()["scale"]]
        self.levels: list[dict[str, Any]] = []
        for level in fidelity.definition()["levels"]:
            names = []
            for item in level["items"]:
                self.fields[item["id"]] = forms.TypedChoiceField(
                    label=item["text"],
                    choices=scale,
                    coerce=int,
                    required=False,
                    widget=forms.RadioSelect,
                )
                names.append(item["id"])
            self.levels.append({"id": level["id"], "label": level["label"], "names": names})

    def level_fields(self) -> list[dict[str, Any]]:
        return [
            {"label": lv["label"], "fields": [self[n] for n in lv["names"]]} for lv in self.levels
        ]

    def answers(self) -> dict[str, int | None]:
        return {
            n: (self.cleaned_data.get(n) if self.cleaned_data.get(n) != "" else None)
            for n in fidelity.item_ids()
        }

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if date > dt.date.today():
            raise forms.ValidationError("The date must be today or earlier")
        return date
