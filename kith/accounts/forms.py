"""Form helpers shared by the apps: GOV.UK Frontend classes and accessible error links."""

from __future__ import annotations

from typing import Any

from django import forms

#: BoundField.widget_type (the widget class name without "Widget"/"Input") → GOV.UK classes.
WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "number": "govuk-input govuk-input--width-5",
    "date": "govuk-input govuk-input--width-10",
    "password": "govuk-input govuk-input--width-20",
    "select": "govuk-select",
    "textarea": "govuk-textarea",
}


class GovukBoundField(forms.BoundField):
    """Adds the error message's id to ``aria-describedby`` (hint first, then the error)."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = (described + f" {self.auto_id}-error").strip()
        css = WIDGET_CLASSES.get(self.widget_type)
        if css:
            error_css = f" {css.split()[0]}--error" if self.errors else ""
            attrs["class"] = (attrs.get("class", "") + f" {css}{error_css}").strip()
        return attrs


class GovukForm(forms.Form):
    bound_field_class = GovukBoundField


class GovukModelForm(forms.ModelForm):
    bound_field_class = GovukBoundField
