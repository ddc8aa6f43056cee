from __future__ import annotations

from typing import Any

from django import forms

from kith.assets.index import NEEDS
from kith.assets.models import AssetStatus, InterestStatement, TaxonomyTerm
from kith.assets.schedules import DAY_NAMES
from kith.assets.terms import INTEREST, kith_id

RADIUS_CHOICES = [("1", "1 km"), ("2", "2 km"), ("5", "5 km"), ("10", "10 km"), ("25", "25 km")]
WHEN_CHOICES = [("", "Any time"), ("now", "Open now")] + [
    (str(i), name) for i, name in enumerate(DAY_NAMES)
]


def interest_choices() -> list[tuple[str, str]]:
    terms = TaxonomyTerm.objects.filter(taxonomy_ref=kith_id(INTEREST)).order_by("name")
    return [("", "Any")] + [(t.hsds_id, t.name) for t in terms]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    interest = forms.ChoiceField(label="Interest", required=False, choices=())
    postcode = forms.CharField(label="Near postcode", required=False, max_length=10)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.ChoiceField(label="Within", required=False, choices=RADIUS_CHOICES, initial="5")
    when = forms.ChoiceField(label="Open", required=False, choices=WHEN_CHOICES)
    time = forms.TimeField(label="At (time)", required=False)
    needs = forms.MultipleChoiceField(
        label="Access needs",
        required=False,
        choices=list(NEEDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    free = forms.BooleanField(label="Free only", required=False)
    age = forms.IntegerField(label="Age", required=False, min_value=0, max_value=120)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interest"].choices = interest_choices()

    def clean_postcode(self) -> str:
        from kith.assets.search import normalise_postcode, postcode_point

        text = self.cleaned_data.get("postcode", "").strip()
        if text and not normalise_postcode(text):
            raise forms.ValidationError("Enter a postcode like ZZ1 1AA")
        if text and postcode_point(text) is None:
            raise forms.ValidationError("This postcode is not in Kith's postcode list")
        return text


class ServiceForm(forms.Form):
    name = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(choices=AssetStatus.choices)
    url = forms.URLField(label="Website", required=False, assume_scheme="https")
    email = forms.EmailField(required=False)
    fees_description = forms.CharField(label="Fees", required=False, max_length=500)
    eligibility_description = forms.CharField(label="Who it is for", required=False, max_length=500)
    application_process = forms.CharField(label="How to join", required=False, max_length=500)
    minimum_age = forms.IntegerField(required=False, min_value=0, max_value=120)
    maximum_age = forms.IntegerField(required=False, min_value=0, max_value=120)
    checked = forms.BooleanField(
        label="I checked these details with the service today", required=False, initial=True
    )


class ProblemForm(forms.Form):
    text = forms.CharField(
        label="What is wrong or out of date?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResolveForm(forms.Form):
    status = forms.ChoiceField(
        label="Outcome",
        choices=[("fixed", "Fixed"), ("dismissed", "No change needed")],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label="Note", required=False, max_length=2000)


class MatchForm(forms.Form):
    statements = forms.ModelMultipleChoiceField(
        label="What the person said",
        queryset=InterestStatement.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs = forms.MultipleChoiceField(
        label="Access needs",
        required=False,
        choices=list(NEEDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    postcode = SearchForm.base_fields["postcode"]
    free = forms.BooleanField(label="Free only", required=False)
    clean_postcode = SearchForm.clean_postcode


class StatementForm(forms.Form):
    text = forms.CharField(max_length=300)
    terms = forms.MultipleChoiceField(
        label="Taxonomy terms", choices=(), widget=forms.CheckboxSelectMultiple
    )
    position = forms.IntegerField(min_value=0, max_value=999, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["terms"].choices = [c for c in interest_choices() if c[0]]
