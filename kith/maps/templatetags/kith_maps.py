"""``{% members_table %}`` and ``{% ties_list %}``: the map page's long lists, in one pass.

A 40-member map has 40 table rows with three links each and a link per tie. Rendered with
the template engine, each row costs dozens of nodes, filters and ``{% url %}`` tags; here
each URL pattern is reversed once per list and the rows are built by string formatting
(every value escaped, as the template engine would). The markup is the same as the
template's was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape as _escape
from typing import Any
from urllib.parse import quote

from django import template
from django.forms import Form
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from kith.assets.actions import LINKABLE_KINDS
from kith.maps import links
from kith.maps.models import MapMember

register = template.Library()


def _choices(name: str) -> dict[Any, str]:
    """Value → escaped label of a member field's choices."""
    return {
        value: _escape(str(label)) for value, label in MapMember._meta.get_field(name).flatchoices
    }


_KIND = _choices("kind")
_RELATIONSHIP = _choices("relationship")
_CONTACT = _choices("contact")
_FEELING = _choices("feeling")
_WISH = _choices("wish")
_DASH = "—"


_SPECIAL = re.compile("[&<>\"']")


def escape(value: Any) -> str:
    """What ``django.utils.html.escape`` gives (the standard library's, without its wrappers;
    most text has nothing to escape and is returned as it is)."""
    text = str(value)
    return _escape(text) if _SPECIAL.search(text) else text


def url_pattern(name: str, *ids: int) -> tuple[str, str]:
    """The (escaped) URL of ``name`` for ``ids``, cut where one more id goes.

    Each row's URL is ``head + str(id) + tail`` (:func:`kith.maps.links.url_pattern`).
    """
    head, tail = links.url_pattern(name, *ids)
    return escape(head), escape(tail)


def _display(choices: Mapping[Any, str], value: Any) -> str:
    shown = choices.get(value)
    if shown is None:
        return escape(value) if value else _DASH
    return shown or _DASH


def _joined(values: Any) -> str:
    if isinstance(values, list | tuple | set | frozenset):
        text = ", ".join(escape(v) for v in values)
        return text or _DASH
    return escape(values) if values else _DASH


def _asset(member: MapMember, assets: Mapping[str, tuple[int, str]], url: tuple[str, str]) -> str:
    """A member's community asset: a link to its page, or a dash when not linked."""
    if not member.asset_id:
        return _DASH
    found = assets.get(member.asset_id)
    if found is None:  # a private record or one no longer in the directory
        return "Linked"
    pk, name = found
    return f'<a class="govuk-link" href="{url[0]}{pk}{url[1]}">{escape(name)}</a>'


def members_table_html(
    members: Iterable[MapMember],
    *,
    map_id: int | None = None,
    editable: bool = False,
    compact: bool = False,
    caption: str = "",
    table_id: str = "",
    assets: Mapping[str, tuple[int, str]] | None = None,
) -> SafeString:
    """The members table (what ``maps/_members_table.html`` shows), as safe HTML.

    ``assets`` (asset id → directory id and name of the community assets the members are
    linked to, read in one query) adds a column linking each member to its asset's page.
    """
    with_assets = assets is not None and not compact
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
    if with_assets:
        out.append('    <th scope="col" class="govuk-table__header">Community asset</th>\n')
        asset_url = url_pattern("assets:detail")
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
        move = escape(links.url("maps:member_move", map_id)) + "?key="
        link = url_pattern("assets:link_member", map_id)
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
        if with_assets:
            assert assets is not None
            out.append(f'      <td class="govuk-table__cell">{_asset(m, assets, asset_url)}</td>\n')
        if editable:
            hidden = f'<span class="govuk-visually-hidden"> {name}</span>'
            out.append(
                '      <td class="govuk-table__cell">'
                f'<a class="govuk-link" href="{edit[0]}{m.pk}{edit[1]}">Change{hidden}</a> '
                f'<a class="govuk-link" href="{move}{escape(quote(m.key, safe="/"))}">'
                f"Move{hidden}</a> "
                f'<a class="govuk-link" href="{remove[0]}{m.pk}{remove[1]}">Remove{hidden}</a>'
            )
            if m.kind in LINKABLE_KINDS:
                out.append(
                    f' <a class="govuk-link" href="{link[0]}{m.pk}{link[1]}">Link'
                    f'<span class="govuk-visually-hidden"> {name} to a community asset</span></a>'
                )
            out.append("</td>\n")
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

    Reads ``members``, ``map``, ``editable``, ``compact``, ``caption``, ``table_id`` and
    ``assets``.
    """
    the_map = context.get("map")
    return members_table_html(
        context.get("members") or (),
        map_id=the_map.pk if the_map is not None else None,
        editable=bool(context.get("editable")),
        compact=bool(context.get("compact")),
        caption=context.get("caption") or "",
        table_id=context.get("table_id") or "",
        assets=context.get("assets"),
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
    shown: dict[int, tuple[str, str]] = {}  # member id → escaped key and name
    for t in ties:
        a, b = t.a, t.b
        if a.pk not in shown:
            shown[a.pk] = escape(a.key), escape(a.label or a.key)
        if b.pk not in shown:
            shown[b.pk] = escape(b.key), escape(b.label or b.key)
        (a_key, a_name), (b_key, b_name) = shown[a.pk], shown[b.pk]
        out.append(f'<li data-a="{a_key}" data-b="{b_key}">{a_name} – {b_name}')
        if remove is not None:
            out.append(
                f' <a class="govuk-link" href="{remove[0]}{t.pk}{remove[1]}">Remove'
                '<span class="govuk-visually-hidden"> the link between '
                f"{a_name} and {b_name}</span></a>"
            )
        out.append("</li>")
    out.append("\n</ul>")
    return mark_safe("".join(out))  # every value above is escaped


#: The blank quick-add field's markup per form class and ``auto_id`` (it depends on nothing else).
_BLANK_FIELD: dict[tuple[type[Form], str], SafeString] = {}


def _field_html(bound: Any, label_size: str) -> SafeString:
    """What ``{% field bound "" label_size %}`` (kith_ui) renders."""
    html = get_template("includes/field.html").render(
        {"field": bound, "width": "", "label_size": label_size}
    )
    return mark_safe(html)  # rendered by the template engine, which escaped it


@register.simple_tag
def quick_add_text(form: Form) -> SafeString:
    """The quick-add box: ``{% field form.text "" "m" %}``, reused while the form is blank.

    The map page shows a blank quick-add form on every request; its markup is the same each
    time, so it is rendered once per process. A form with a value or errors (after a failed
    add) is rendered in full.
    """
    if form.is_bound or form.initial.get("text"):
        return _field_html(form["text"], "m")
    key = (type(form), str(form.auto_id))
    if key not in _BLANK_FIELD:
        _BLANK_FIELD[key] = _field_html(form["text"], "m")
    return _BLANK_FIELD[key]
