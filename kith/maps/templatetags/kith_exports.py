"""``{% export_problems as problems %}``: what the export links need to know about this server."""

from __future__ import annotations

from django import template

from kith.maps import exports

register = template.Library()


@register.simple_tag
def export_problems() -> dict[str, str | None]:
    """``{"pdf": …, "png": …}``: None where that export works, else what to install."""
    return {"pdf": exports.pdf_problem(), "png": exports.png_problem()}
