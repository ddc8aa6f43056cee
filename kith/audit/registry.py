"""Which models hold a person's record, and how to find the person a row belongs to.

Every model here is audited on create, update and delete by ``kith.audit.signals``; the
completeness test fails when a model that links to ``people.Person`` is missing from it.
Each entry names the foreign key that leads towards the person (``""`` for Person itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import models

#: "app_label.model" → the foreign key followed to reach the person ("" for people.Person).
SENSITIVE_MODELS: dict[str, str] = {
    "people.person": "",
    "maps.map": "person",
    "maps.mapmember": "map",
    "maps.maptie": "map",
    "plans.interest": "person",
    "plans.goal": "person",
    "plans.action": "goal",
    "plans.followup": "action",
    "plans.cycle": "person",
    "outcomes.response": "person",
    "outcomes.amendment": "response",
    "outcomes.schedule": "person",
}

# (label, pk) → person id, so the members and ties of one map cost one look-up, not one each.
# Kept for one request (the middleware) or one ``acting_as`` block.
_parent_person: ContextVar[dict[tuple[str, object], int | None] | None] = ContextVar(
    "kith_audit_parent_person", default=None
)


def label_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def is_sensitive(model: type[models.Model] | models.Model) -> bool:
    return label_of(model) in SENSITIVE_MODELS


@contextmanager
def remembering() -> Iterator[None]:
    """Remember parents' persons until the end of the block (a request, a command)."""
    token = _parent_person.set({})
    try:
        yield
    finally:
        _parent_person.reset(token)


def _cache() -> dict[tuple[str, object], int | None]:
    # Outside a request nothing is kept: ids of rolled-back rows can come back on SQLite.
    cache = _parent_person.get()
    return {} if cache is None else cache


def person_path(label: str) -> str:
    """The ORM path from model ``label`` to the person's id, e.g. "action__goal__person_id"."""
    parts: list[str] = []
    while (step := SENSITIVE_MODELS[label]) != "":
        parts.append(step)
        field = apps.get_model(label)._meta.get_field(step)
        assert field.related_model is not None
        label = label_of(field.related_model)
    return "__".join([*parts, "id"]) if parts else "id"


def person_id_of(instance: models.Model) -> int | None:
    """The id of the person ``instance`` belongs to (None when it belongs to nobody).

    Follows already-loaded relations for free; otherwise one query per distinct parent row,
    remembered for the rest of the request.
    """
    label = label_of(instance)
    step = SENSITIVE_MODELS.get(label)
    if step is None:
        return None
    if step == "":
        return instance.pk
    field = instance._meta.get_field(step)
    if field.is_cached(instance):  # type: ignore[union-attr]
        parent = getattr(instance, step)
        return person_id_of(parent) if parent is not None else None
    parent_id = getattr(instance, field.attname)  # type: ignore[union-attr]
    if parent_id is None:
        return None
    related = field.related_model
    assert related is not None and not isinstance(related, str)
    parent_label = label_of(related)
    if SENSITIVE_MODELS[parent_label] == "":
        return int(parent_id)
    path = person_path(parent_label)
    key = (parent_label, parent_id)
    cache = _cache()
    if key not in cache:
        found = related._default_manager.filter(pk=parent_id).values_list(path, flat=True).first()
        cache[key] = found
    return cache[key]
