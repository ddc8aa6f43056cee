from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from kith.accounts.forms import GovukForm
from kith.instruments import Instrument, InstrumentError
from kith.outcomes.models import EVERY_CHOICES
from kith.people.forms import DateInput


def _option_label(value: int, label: str | None) -> str:
    return f"{value} — {label}" if label and str(value) != label else str(value)


class ResponseForm(GovukForm):
    """One radio group per item; every item optional here (signing checks completeness)."""

    date = forms.DateField(label="Date completed", widget=DateInput())

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["date"].initial = dt.date.today()
        for item in instrument.items:
            options = sorted(item.options, key=lambda o: o.value)
            self.fields[f"item_{item.id}"] = forms.TypedChoiceField(
                label=item.text or item.id,
                choices=[(str(o.value), _option_label(o.value, o.label)) for o in options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def initial_from(answers: dict[str, int], date: dt.date) -> dict[str, Any]:
        return {"date": date, **{f"item_{k}": str(v) for k, v in answers.items()}}

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.id}"] for item in self.instrument.items]

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if date > dt.date.today():
            raise forms.ValidationError("The date completed must be today or earlier")
        return date

    def answers(self) -> dict[str, int | None]:
        return {item.id: self.cleaned_data.get(f"item_{item.id}") for item in self.instrument.items}

    def add_instrument_error(self, error: InstrumentError) -> None:
        name = f"item_{error.item}" if error.item else None
        if name in self.fields:
            self.add_error(name, error.problem)
        else:
            self.add_error(None, str(error))


class AmendForm(ResponseForm):
    reason = forms.CharField(
        label="Why is the signed questionnaire being changed?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the signed questionnaire is being changed"},
    )


class ScheduleForm(GovukForm):
    instrument_id = forms.ChoiceField(label="Questionnaire")
    every_months = forms.TypedChoiceField(
        label="How often", choices=EVERY_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    start_on = forms.DateField(label="First due on", widget=DateInput())
    active = forms.BooleanField(label="Keep reassessing", required=False, initial=True)

    def __init__(self, *args: Any, instruments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument_id"].choices = instruments
        self.fields["start_on"].initial = dt.date.today()
