"""Create, update and delete of every sensitive model, recorded centrally through model signals.

Changed fields are found by comparing with a snapshot taken when the instance was loaded
(``post_init``), so an update costs no extra query. Bulk operations send no signals: the
actions that use them call :func:`record_bulk_create` (or ``record``) themselves.
Sign-in, sign-out and failed sign-ins are recorded by ``kith.accounts.signals``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_init, post_save, pre_delete, pre_save

from kith.audit.log import build, record, record_many
from kith.audit.registry import SENSITIVE_MODELS, person_id_of

_SNAPSHOT = "_audit_snapshot"
_UNLOADED = "_audit_unloaded"
_PERSON = "_audit_person_id"


@functools.cache
def _tracked_fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    """Concrete fields whose change is worth naming (not the id, not auto-updated stamps)."""
    return tuple(
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now", False)
    )


@functools.cache
def _mutable_attnames(model: type[models.Model]) -> tuple[str, ...]:
    """Fields whose values code may change in place (JSON lists and dicts)."""
    return tuple(f.attname for f in _tracked_fields(model) if isinstance(f, models.JSONField))


def _snapshot(instance: models.Model) -> dict[str, object]:
    # Runs for every row loaded of an audited model, so it is one C-level dict copy (plus a
    # copy of any JSON value, which code may change in place), not a loop over the fields.
    snapshot = instance.__dict__.copy()
    snapshot.pop(_SNAPSHOT, None)
    for name in _mutable_attnames(type(instance)):
        value = snapshot.get(name)
        if isinstance(value, list | dict):
            snapshot[name] = value.copy()
    return snapshot


def _on_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    instance.__dict__[_SNAPSHOT] = _snapshot(instance)


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def created_fields(instance: models.Model) -> list[str]:
    """Names of the fields a new row was given a value for."""
    values = instance.__dict__
    return [f.name for f in _tracked_fields(type(instance)) if not _is_empty(values.get(f.attname))]


def changed_fields(instance: models.Model, update_fields: Iterable[str] | None) -> list[str]:
    """Names of the fields that differ from the loaded snapshot (all saved ones if unknown)."""
    before: dict[str, object] | None = instance.__dict__.get(_SNAPSHOT)
    values = instance.__dict__
    limit = set(update_fields) if update_fields is not None else None
    names = []
    for f in _tracked_fields(type(instance)):
        if limit is not None and f.name not in limit and f.attname not in limit:
            continue
        if f.attname not in values:  # deferred and not loaded: not saved either
            continue
        if before is None or f.attname not in before or before[f.attname] != values[f.attname]:
            names.append(f.name)
    return names


def _before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # An instance built in code (not read from the database) has no "before" to compare with.
    instance.__dict__[_UNLOADED] = instance._state.adding


def _on_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    update_fields: frozenset[str] | None = None,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    unloaded = instance.__dict__.pop(_UNLOADED, False)
    if raw:  # loaddata
        return
    if created:
        record("create", instance, fields=created_fields(instance))
    else:
        if unloaded:
            instance.__dict__.pop(_SNAPSHOT, None)
        fields = changed_fields(instance, update_fields)
        if fields:
            record("update", instance, fields=fields)
    instance.__dict__[_SNAPSHOT] = _snapshot(instance)


def _before_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # After the delete the parents of a cascaded row may be gone: find the person now.
    instance.__dict__[_PERSON] = person_id_of(instance)


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    person_id = instance.__dict__.get(_PERSON)
    record("delete", instance, person_id=person_id)


def record_bulk_create(instances: Sequence[models.Model], *, person_id: int | None) -> None:
    """Create events for rows made with ``bulk_create`` (which sends no signals): one INSERT."""
    record_many(
        build("create", obj, person_id=person_id, fields=created_fields(obj)) for obj in instances
    )


def connect() -> None:
    for label in SENSITIVE_MODELS:
        model = apps.get_model(label)
        uid = f"kith.audit:{label}"
        post_init.connect(_on_init, sender=model, dispatch_uid=uid)
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_on_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_on_delete, sender=model, dispatch_uid=uid)
