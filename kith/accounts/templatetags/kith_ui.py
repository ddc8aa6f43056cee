"""Template helpers: ``{% field form.name %}`` renders one field as GOV.UK Frontend markup."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("includes/field.html")
def field(bound: Any, width: str = "", label_size: str = "s") -> dict[str, Any]:
    return {"field": bound, "width": width, "label_size": label_size}


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms: Any) -> dict[str, Any]:
    items = []
    for form in forms:
        if form is None:
            continue
        for error in form.non_field_errors():
            items.append({"href": "", "text": error})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            for error in errors:
                items.append({"href": f"#{bound.auto_id}", "text": error})
    return {"items": items}


@register.filter
def choice_label(value: Any, choices: Any) -> str:
    """The human label of ``value`` in a list of ``(value, label)`` pairs."""
    for key, label in choices:
        if str(key) == str(value):
            return str(label)
    return "" if value in (None, "") else str(value)
