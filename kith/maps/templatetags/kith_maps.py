"""``{% members_table %}`` and ``{% ties_list %}``: the map page's long lists, in one pass.

A 40-member map has 40 table rows with three links each and a link per tie. Rendered with
the template engine, each row costs dozens of nodes, filters and ``{% url %}`` tags; here
each URL pattern is reversed once per list and the rows are built by string formatting
(every value escaped, as the template engine would). The markup is the same as the
template's was.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape as _escape
from typing import Any
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from kith.maps.models import MapMember

register = template.Library()

_PLACEHOLDER = 2147483646


def _choices(name: str) -> dict[Any, str]:
    return {value: str(label) for value, label in MapMember._meta.get_field(name).flatchoices}


_KIND = _choices("kind")
_RELATIONSHIP = _choices("relationship")
_CONTACT = _choices("contact")
_FEELING = _choices("feeling")
_WISH = _choices("wish")
_DASH = "—"


def escape(value: Any) -> str:
    """What ``django.utils.html.escape`` gives (the standard library's, without its wrappers)."""
    return _escape(str(value))


def url_pattern(name: str, map_id: int) -> tuple[str, str]:
    """The (escaped) URL of ``name`` for ``map_id``, cut where the second id goes.

    The pattern is reversed once; each row's URL is ``head + str(id) + tail``.
    """
    url = escape(reverse(name, args=[map_id, _PLACEHOLDER]))
    head, _, tail = url.rpartition(str(_PLACEHOLDER))
    return head, tail


def _display(choices: Mapping[Any, str], value: Any) -> str:
    shown = choices.get(value, value)
    return escape(shown) if shown else _DASH


def _joined(values: Any) -> str:
    if isinstance(values, list | tuple | set | frozenset):
        text = ", ".join(escape(v) for v in values)
        return text or _DASH
    return escape(values) if values else _DASH


def members_table_html(
    members: Iterable[MapMember],
    *,
    map_id: int | None = None,
    editable: bool = False,
    compact: bool = False,
    caption: str = "",
    table_id: str = "",
) -> SafeString:
    """The members table (what ``maps/_members_table.html`` shows), as safe HTML."""
    out = [
        '\n<table class="govuk-table kith-members" ',
        f'id="{escape(table_id)}"' if table_id else "",
        '>\n  <caption class="govuk-table__caption govuk-table__caption--m">',
        escape(caption or "Members of the map"),
        "</caption>\n"
        '  <thead class="govuk-table__head"><tr class="govuk-table__row">\n'
        '    <th scope="col" class="govuk-table__header">Member</th>\n'
        '    <th scope="col" class="govuk-table__header">Kind</th>\n'
        '    <th scope="col" class="govuk-table__header">Circle</th>\n'
        '    <th scope="col" class="govuk-table__header">Relationship</th>\n',
    ]
    if not compact:
        out.append(
            '    <th scope="col" class="govuk-table__header">Contact</th>\n'
            '    <th scope="col" class="govuk-table__header">Support gets / gives</th>\n'
            '    <th scope="col" class="govuk-table__header">Feeling</th>\n'
            '    <th scope="col" class="govuk-table__header">Wish</th>\n'
        )
    if editable:
        out.append(
            '    <th scope="col" class="govuk-table__header">'
            '<span class="govuk-visually-hidden">Actions</span></th>\n'
        )
    out.append('  </tr></thead>\n  <tbody class="govuk-table__body">\n')
    if editable:
        assert map_id is not None
        edit = url_pattern("maps:member_edit", map_id)
        remove = url_pattern("maps:member_remove", map_id)
        move = escape(reverse("maps:member_move", args=[map_id])) + "?key="
    empty = True
    for m in members:
        empty = False
        name = escape(m.label or m.key)
        key = escape(m.key)
        circle = m.circle
        out.append(
            f'    <tr class="govuk-table__row" data-key="{key}">\n'
            f'      <th scope="row" class="govuk-table__header">{name}</th>\n'
            f'      <td class="govuk-table__cell">{_display(_KIND, m.kind)}</td>\n'
            f'      <td class="govuk-table__cell">{escape(circle) if circle else _DASH}</td>\n'
            '      <td class="govuk-table__cell">'
            f"{_display(_RELATIONSHIP, m.relationship)}</td>\n"
        )
        if not compact:
            out.append(
                f'      <td class="govuk-table__cell">{_display(_CONTACT, m.contact)}</td>\n'
                '      <td class="govuk-table__cell">'
                f"{_joined(m.support_received)} / {_joined(m.support_given)}</td>\n"
                f'      <td class="govuk-table__cell">{_display(_FEELING, m.feeling)}</td>\n'
                f'      <td class="govuk-table__cell">{_display(_WISH, m.wish)}</td>\n'
            )
        if editable:
            hidden = f'<span class="govuk-visually-hidden"> {name}</span>'
            out.append(
                '      <td class="govuk-table__cell">'
                f'<a class="govuk-link" href="{edit[0]}{m.pk}{edit[1]}">Change{hidden}</a> '
                f'<a class="govuk-link" href="{move}{escape(quote(m.key, safe="/"))}">'
                f"Move{hidden}</a> "
                f'<a class="govuk-link" href="{remove[0]}{m.pk}{remove[1]}">Remove{hidden}</a></td>\n'
            )
        out.append("    </tr>\n")
    if empty:
        out.append(
            '    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="9">'
            "Nobody on this map yet.</td></tr>\n"
        )
    out.append("  </tbody>\n</table>\n")
    return mark_safe("".join(out))  # every value above is escaped


@register.simple_tag(takes_context=True)
def members_table(context: template.Context) -> SafeString:
    """The members table from the context of ``maps/_members_table.html``'s include.

    Reads ``members``, ``map``, ``editable``, ``compact``, ``caption`` and ``table_id``.
    """
    the_map = context.get("map")
    return members_table_html(
        context.get("members") or (),
        map_id=the_map.pk if the_map is not None else None,
        editable=bool(context.get("editable")),
        compact=bool(context.get("compact")),
        caption=context.get("caption") or "",
        table_id=context.get("table_id") or "",
    )


@register.simple_tag(takes_context=True)
def ties_list(context: template.Context) -> SafeString:
    """The list of ``ties`` of ``map`` (``id="ties"``), each with a remove link on a draft."""
    ties = context.get("ties") or ()
    if not ties:
        return mark_safe('<p class="govuk-body" id="ties">No links yet.</p>')
    the_map = context["map"]
    remove = url_pattern("maps:tie_remove", the_map.pk) if the_map.is_draft else None
    out = ['<ul class="govuk-list" id="ties">\n  ']
    for t in ties:
        a, b = t.a, t.b
        a_name, b_name = escape(a.label or a.key), escape(b.label or b.key)
        out.append(f'<li data-a="{escape(a.key)}" data-b="{escape(b.key)}">{a_name} – {b_name}')
        if remove is not None:
            out.append(
                f' <a class="govuk-link" href="{remove[0]}{t.pk}{remove[1]}">Remove'
                '<span class="govuk-visually-hidden"> the link between '
                f"{a_name} and {b_name}</span></a>"
            )
        out.append("</li>")
    out.append("\n</ul>")
    return mark_safe("".join(out))  # every value above is escaped
