"""Audit completeness: every model of a person's record × create, update, delete and view.

The records are made, changed, removed and shown through the real actions (``do_*``, as the
views call them, run "as" a user with :func:`kith.audit.context.acting_as`) and the real pages
(the test client). Every table below is keyed by the labels of
:data:`kith.audit.registry.SENSITIVE_MODELS`, and the first test checks that registry against
every model the ORM can reach a person from, so a new model linked to a person fails here until
it is audited and covered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from kith.accounts.models import User
from kith.accounts.testing import World
from kith.audit.context import acting_as
from kith.audit.models import AuditEvent
from kith.audit.registry import SENSITIVE_MODELS
from kith.instruments import load_builtin
from kith.maps import actions as map_actions
from kith.maps.models import Map, MapMember, MapTie
from kith.outcomes import actions as outcome_actions
from kith.outcomes.models import Amendment, Response, Schedule
from kith.people import actions as people_actions
from kith.people.models import Person
from kith.plans import actions as plan_actions
from kith.plans.models import Action, Cycle, FollowUp, Goal, Interest

TODAY = dt.date(2026, 3, 2)
ONS = "ons-loneliness"
ONS_ANSWERS = {"lack_companionship": 2, "left_out": 2, "isolated": 3, "lonely": 4}
LABELS = sorted(SENSITIVE_MODELS)


def _reaches_person(model: type[models.Model], path: tuple[type[models.Model], ...] = ()) -> bool:
    """True if a chain of foreign keys (or one-to-ones) leads from ``model`` to people.Person."""
    if model is Person:
        return True
    for field in model._meta.get_fields():
        if not (field.many_to_one or (field.one_to_one and field.concrete)):
            continue
        target = field.related_model
        fresh = isinstance(target, type) and target not in path and target is not model
        if fresh and _reaches_person(target, (*path, model)):  # type: ignore[arg-type]
            return True
    return False


def test_every_model_linked_to_a_person_is_audited_and_covered() -> None:
    linked = {
        m._meta.label_lower
        for m in apps.get_models(include_auto_created=True)
        if _reaches_person(m) or any(_reaches_person(f.related_model) for f in m._meta.many_to_many)
    }
    assert linked == set(SENSITIVE_MODELS), (
        "models that hold part of a person's record must be in kith.audit.registry."
        f"SENSITIVE_MODELS: missing {sorted(linked - set(SENSITIVE_MODELS))}, "
        f"stale {sorted(set(SENSITIVE_MODELS) - linked)}"
    )
    for table in (CREATED_FIELDS, UPDATES, VIEWS):
        assert set(table) == set(SENSITIVE_MODELS), f"{table} does not cover every model"


@dataclass
class Case:
    """One of each record of a person, made through the actions by ``user``."""

    user: User
    person: Person
    map: Map
    member: MapMember
    other: MapMember
    tie: MapTie
    interest: Interest
    goal: Goal
    action: Action
    follow_up: FollowUp
    cycle: Cycle
    response: Response
    signed: Response
    amendment: Amendment
    schedule: Schedule

    def of(self, label: str) -> models.Model:
        attribute = {
            "people.person": "person",
            "maps.map": "map",
            "maps.mapmember": "member",
            "maps.maptie": "tie",
            "plans.interest": "interest",
            "plans.goal": "goal",
            "plans.action": "action",
            "plans.followup": "follow_up",
            "plans.cycle": "cycle",
            "outcomes.response": "response",
            "outcomes.amendment": "amendment",
            "outcomes.schedule": "schedule",
        }[label]
        instance: models.Model = getattr(self, attribute)
        return instance


@pytest.fixture
def case(world: World) -> Case:
    ana = world["ana"]
    ons = load_builtin(ONS)
    with acting_as(ana, ip="192.0.2.10"):
        person = people_actions.do_create_person(
            ana, team=world.north, display_name="Robin Q.", key_worker=ana
        )
        the_map = map_actions.do_create_map(ana, person, TODAY)
        member = map_actions.do_add_member(
            ana, the_map, {"label": "Mum", "relationship": "family", "circle": 1}
        )
        other = map_actions.do_add_member(ana, the_map, {"label": "Park", "kind": "place"})
        tie = map_actions.do_add_tie(ana, the_map, member.key, other.key)
        cycle = plan_actions.do_start_cycle(ana, person, TODAY)
        interest = plan_actions.do_add_interest(ana, person, "Being outdoors", [])
        goal = plan_actions.do_create_goal(ana, person, wording="Get out more", owner="both")
        action = plan_actions.do_add_action(
            ana, goal, description="Try the walking group", kind="new", due_date=TODAY
        )
        follow_up = plan_actions.do_record_follow_up(
            ana,
            action,
            date=TODAY,
            happened="no",
            barriers=["transport"],
            next_step="retry",
            next_follow_up=TODAY + dt.timedelta(days=7),
        )
        draft = outcome_actions.do_create_response(
            ana, person, ons, date=TODAY, answers={"left_out": 1}
        )
        signed = outcome_actions.do_create_response(
            ana, person, ons, date=TODAY, answers=ONS_ANSWERS, sign=True
        )
        amendment = outcome_actions.do_amend_response(
            ana, signed, ons, answers={**ONS_ANSWERS, "lonely": 3}, reason="Misheard"
        )
        schedule = outcome_actions.do_set_schedule(ana, person, ONS, every_months=3, start_on=TODAY)
    return Case(
        ana, person, the_map, member, other, tie, interest, goal, action, follow_up, cycle,
        draft, signed, amendment, schedule,
    )  # fmt: skip


def _events(verb: str, instance: models.Model, pk: object = None) -> list[AuditEvent]:
    """The ``verb`` events naming ``instance`` (by ``pk`` once a delete has cleared its id)."""
    return list(
        AuditEvent.objects.filter(
            verb=verb,
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk if pk is None else pk),
        )
    )


def _one(verb: str, instance: models.Model, case: Case, pk: object = None) -> AuditEvent:
    """The newest ``verb`` event of ``instance``, checked for its person and actor."""
    found = _events(verb, instance, pk)
    assert found, f"no {verb!r} event for {instance._meta.label_lower} {instance.pk or pk}"
    event = found[0]
    assert event.person_id == case.person.pk, (verb, instance._meta.label_lower, event.person_id)
    assert event.actor_id == case.user.pk and event.actor_name == case.user.username
    return event


# -- create ----------------------------------------------------------------------------------

#: Fields each record is created with in ``case`` (all must be named by the create event).
CREATED_FIELDS: dict[str, set[str]] = {
    "people.person": {"display_name", "team", "key_worker"},
    "maps.map": {"person", "date", "created_by"},
    "maps.mapmember": {"map", "label", "relationship", "circle", "key"},
    "maps.maptie": {"map", "a", "b"},
    "plans.interest": {"person", "text", "position"},
    "plans.goal": {"person", "wording", "owner", "cycle"},
    "plans.action": {"goal", "description", "kind", "due_date"},
    "plans.followup": {"action", "date", "happened", "barriers", "next_step"},
    "plans.cycle": {"person", "number", "assess_on"},
    "outcomes.response": {"person", "instrument_id", "date", "answers"},
    "outcomes.amendment": {"response", "reason", "before", "after"},
    "outcomes.schedule": {"person", "instrument_id", "every_months", "start_on"},
}


@pytest.mark.parametrize("label", LABELS)
def test_create_is_audited(case: Case, label: str) -> None:
    event = _one("create", case.of(label), case)
    assert CREATED_FIELDS[label] <= set(event.fields), event.fields
    assert event.ip == "192.0.2.10"


def test_members_and_ties_copied_into_a_review_map_are_audited(case: Case) -> None:
    """A review copies the last final map with bulk_create (no signals): audited explicitly."""
    with acting_as(case.user):
        map_actions.do_finalise_map(case.user, case.map)
        review = map_actions.do_create_map(case.user, case.person, TODAY + dt.timedelta(days=90))
    copies = [*review.members.all(), *review.ties.all()]
    assert len(copies) == 3  # two members and their tie, as made in ``case``
    for copy in copies:
        assert "map" in _one("create", copy, case).fields


# -- update ----------------------------------------------------------------------------------

Update = Callable[[Case], tuple[models.Model, set[str]]]


def _update_person(c: Case) -> tuple[models.Model, set[str]]:
    people_actions.do_update_person(c.user, c.person, display_name="Robin R.", pronouns="they")
    return c.person, {"display_name", "pronouns"}


def _update_map(c: Case) -> tuple[models.Model, set[str]]:
    map_actions.do_update_map(c.user, c.map, expected_version=None, date=TODAY, notes="Met at home")
    return c.map, {"notes"}


def _update_member(c: Case) -> tuple[models.Model, set[str]]:
    map_actions.do_update_member(c.user, c.member, {"circle": 2})
    return c.member, {"circle"}


def _update_interest(c: Case) -> tuple[models.Model, set[str]]:
    plan_actions.do_update_interest(c.user, c.interest, "Being outdoors, with others", [])
    return c.interest, {"text"}


def _update_goal(c: Case) -> tuple[models.Model, set[str]]:
    plan_actions.do_update_goal(c.user, c.goal, wording="Get out twice a week")
    return c.goal, {"wording"}


def _update_action(c: Case) -> tuple[models.Model, set[str]]:
    plan_actions.do_update_action(c.user, c.action, description="Walking group on Tuesdays")
    return c.action, {"description"}


def _update_cycle(c: Case) -> tuple[models.Model, set[str]]:
    plan_actions.do_advance_cycle(c.user, c.cycle, TODAY)
    return c.cycle, {"stage", "plan_on"}


def _update_response(c: Case) -> tuple[models.Model, set[str]]:
    outcome_actions.do_update_response(
        c.user, c.response, load_builtin(ONS), date=TODAY, answers=ONS_ANSWERS
    )
    return c.response, {"answers"}


def _update_schedule(c: Case) -> tuple[models.Model, set[str]]:
    outcome_actions.do_set_schedule(c.user, c.person, ONS, every_months=6, start_on=TODAY)
    return c.schedule, {"every_months"}


#: The action that changes each record; a string says why the app never changes one (those
#: are still checked: a plain save is audited centrally, so a future edit path is covered).
UPDATES: dict[str, Update | str] = {
    "people.person": _update_person,
    "maps.map": _update_map,
    "maps.mapmember": _update_member,
    "maps.maptie": "a tie is added or removed, never edited",
    "plans.interest": _update_interest,
    "plans.goal": _update_goal,
    "plans.action": _update_action,
    "plans.followup": "a follow-up records what happened; a new one is added instead",
    "plans.cycle": _update_cycle,
    "outcomes.response": _update_response,
    "outcomes.amendment": "an amendment is the history of a signed response: never edited",
    "outcomes.schedule": _update_schedule,
}

#: For records the app never edits: a field a plain ``save()`` changes, to prove the signal.
PLAIN_SAVE = {
    "maps.maptie": ("weight", 2.0),
    "plans.followup": ("notes", "Rang instead"),
    "outcomes.amendment": ("reason", "Misread"),
}


@pytest.mark.parametrize("label", LABELS)
def test_update_is_audited(case: Case, label: str) -> None:
    scenario = UPDATES[label]
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    with acting_as(case.user):
        if isinstance(scenario, str):
            instance = type(case.of(label))._default_manager.get(pk=case.of(label).pk)
            name, value = PLAIN_SAVE[label]
            setattr(instance, name, value)
            instance.save()
            changed = {name}
        else:
            instance, changed = scenario(case)
    _one("update", instance, case)
    # One action may save a record more than once (a map's version goes up after the change).
    named = {name for e in _events("update", instance) if e.id > last for name in e.fields}
    assert changed <= named, named
    # Names only, never values: nothing the update wrote appears in the event.
    assert "Robin" not in str(named) and "Tuesdays" not in str(named)


def test_saving_without_a_change_records_nothing(case: Case) -> None:
    before = AuditEvent.objects.count()
    with acting_as(case.user):
        Person.objects.get(pk=case.person.pk).save()
    assert AuditEvent.objects.count() == before


# -- delete ----------------------------------------------------------------------------------


def _erase(c: Case) -> None:
    people_actions.do_erase_person(c.person, c.user, "Asked to be forgotten")


#: Records with a remove action of their own; every other record goes when the person is erased.
REMOVES: dict[str, Callable[[Case], None]] = {
    "maps.mapmember": lambda c: map_actions.do_remove_member(c.user, c.member),
    "maps.maptie": lambda c: map_actions.do_remove_tie(c.user, c.tie),
    "plans.interest": lambda c: plan_actions.do_remove_interest(c.user, c.interest),
}


@pytest.mark.parametrize("label", LABELS)
def test_delete_is_audited(case: Case, label: str) -> None:
    instance = case.of(label)
    pk = instance.pk
    with acting_as(case.user):
        REMOVES.get(label, _erase)(case)
    assert not type(instance)._default_manager.filter(pk=pk).exists()
    event = _one("delete", instance, case, pk)
    assert event.fields == []


def test_erasure_leaves_one_delete_event_per_row_and_the_tombstone(case: Case) -> None:
    with acting_as(case.user):
        erasure = people_actions.do_erase_person(case.person, case.user, "Asked to be forgotten")
    deletes = AuditEvent.objects.filter(verb="delete", person_id=case.person.pk)
    by_type: dict[str, int] = {}
    for event in deletes:
        by_type[event.object_type] = by_type.get(event.object_type, 0) + 1
    assert by_type == {k: v for k, v in erasure.deleted.items() if k in SENSITIVE_MODELS}
    assert AuditEvent.objects.filter(verb="erase", person_id=case.person.pk).count() == 1


# -- view ------------------------------------------------------------------------------------


@dataclass
class View:
    """A page (or API read) showing the record, the record its view event names (the record
    itself, or the one whose page shows it), and text of the record the page must show."""

    url: Callable[[Case], str]
    shown: Callable[[Case], models.Model]
    text: str


VIEWS: dict[str, View] = {
    "people.person": View(
        lambda c: reverse("people:detail", args=[c.person.pk]), lambda c: c.person, "Robin"
    ),
    "maps.map": View(lambda c: reverse("maps:detail", args=[c.map.pk]), lambda c: c.map, "Mum"),
    "maps.mapmember": View(
        lambda c: reverse("maps:member_edit", args=[c.map.pk, c.member.pk]),
        lambda c: c.member,
        "Mum",
    ),
    "maps.maptie": View(
        lambda c: reverse("maps:tie_remove", args=[c.map.pk, c.tie.pk]), lambda c: c.tie, "Park"
    ),
    "plans.interest": View(
        lambda c: reverse("plans:interest_edit", args=[c.interest.pk]),
        lambda c: c.interest,
        "Being outdoors",
    ),
    "plans.goal": View(
        lambda c: reverse("plans:goal_edit", args=[c.goal.pk]), lambda c: c.goal, "Get out more"
    ),
    "plans.action": View(
        lambda c: reverse("plans:action_edit", args=[c.action.pk]),
        lambda c: c.action,
        "Try the walking group",
    ),
    # A follow-up is shown with its step (here the API's step; on the plan page, the person).
    "plans.followup": View(
        lambda c: f"/api/v1/actions/{c.action.pk}", lambda c: c.action, "transport"
    ),
    "plans.cycle": View(
        lambda c: reverse("plans:cycle_advance", args=[c.cycle.pk]), lambda c: c.cycle, "round"
    ),
    "outcomes.response": View(
        lambda c: reverse("outcomes:response", args=[c.signed.pk]), lambda c: c.signed, "Misheard"
    ),
    # An amendment is shown on its response's page.
    "outcomes.amendment": View(
        lambda c: reverse("outcomes:response", args=[c.signed.pk]), lambda c: c.signed, "Misheard"
    ),
    # Schedules are shown (and set) on the person's questionnaire schedule page.
    "outcomes.schedule": View(
        lambda c: reverse("outcomes:schedule", args=[c.person.pk]), lambda c: c.person, "3"
    ),
}


@pytest.mark.parametrize("label", LABELS)
def test_view_is_audited(case: Case, label: str) -> None:
    view = VIEWS[label]
    client = Client(HTTP_USER_AGENT="Kith audit test", REMOTE_ADDR="198.51.100.7")
    client.force_login(case.user)
    response = client.get(view.url(case))
    assert response.status_code == 200
    assert view.text in response.content.decode()
    event = _one("view", view.shown(case), case)
    assert event.ip == "198.51.100.7" and event.user_agent == "Kith audit test"
    assert event.fields == []
