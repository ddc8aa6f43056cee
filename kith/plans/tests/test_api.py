"""The plans and outcomes JSON API: every operation × persona, and errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from kith.accounts.testing import World, make_person
from kith.plans.testing import ONS_LONELY, plan_records

TODAY = dt.date.today().isoformat()


def _records(world: World) -> dict[str, Any]:
    person = make_person(world.north, "Casey")
    rec = plan_records(person, world["ana"])
    return {
        "person": person.pk,
        "goal": rec.goal.pk,
        "action": rec.action.pk,
        "draft": rec.draft_response.pk,
        "signed": rec.signed_response.pk,
    }


# name → (method, path, body, status for a same-team worker)
Op = tuple[str, Callable[[dict[str, Any]], str], dict[str, Any] | None, int]
API: dict[str, Op] = {
    "plans_goals": ("get", lambda r: f"/api/v1/people/{r['person']}/goals", None, 200),
    "plans_goal_create": (
        "post",
        lambda r: f"/api/v1/people/{r['person']}/goals",
        {"wording": "See my sister", "owner": "person", "chime": ["connectedness"]},
        201,
    ),
    "plans_goal_detail": ("get", lambda r: f"/api/v1/goals/{r['goal']}", None, 200),
    "plans_goal_update": (
        "patch",
        lambda r: f"/api/v1/goals/{r['goal']}",
        {"status": "achieved"},
        200,
    ),
    "plans_action_create": (
        "post",
        lambda r: f"/api/v1/goals/{r['goal']}/actions",
        {"description": "Visit the garden", "asset_id": "svc-1", "due_date": TODAY},
        201,
    ),
    "plans_action_detail": ("get", lambda r: f"/api/v1/actions/{r['action']}", None, 200),
    "plans_action_update": (
        "patch",
        lambda r: f"/api/v1/actions/{r['action']}",
        {"description": "Go with a buddy"},
        200,
    ),
    "plans_follow_up_create": (
        "post",
        lambda r: f"/api/v1/actions/{r['action']}/follow-ups",
        {"date": TODAY, "happened": "yes", "company": "peer", "next_step": "done"},
        201,
    ),
    "outcomes_responses": ("get", lambda r: f"/api/v1/people/{r['person']}/responses", None, 200),
    "outcomes_response_create": (
        "post",
        lambda r: f"/api/v1/people/{r['person']}/responses",
        {"instrument": "ons-loneliness", "date": TODAY, "answers": ONS_LONELY, "sign": True},
        201,
    ),
    "outcomes_response_detail": ("get", lambda r: f"/api/v1/responses/{r['signed']}", None, 200),
    # The draft is incomplete: 422 (same team) proves access without signing anything.
    "outcomes_response_sign": ("post", lambda r: f"/api/v1/responses/{r['draft']}/sign", {}, 422),
    "outcomes_response_amend": (
        "post",
        lambda r: f"/api/v1/responses/{r['signed']}/amendments",
        {"answers": {**ONS_LONELY, "isolated": 1}, "reason": "Misread"},
        201,
    ),
    "outcomes_scores": ("get", lambda r: f"/api/v1/people/{r['person']}/scores", None, 200),
}


def _call(client: Client, op: Op, records: dict[str, Any]) -> Any:
    method, path, body, _ = op
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path(records), **kwargs)


def test_every_plans_and_outcomes_operation_is_in_the_table() -> None:
    (api,) = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    ]
    names = {p.name for p in api.url_patterns if p.name.startswith(("plans_", "outcomes_"))}
    assert names == set(API), "add new API operations to the table"


@pytest.mark.parametrize("name", sorted(API))
def test_api_access_matrix(world: World, name: str) -> None:
    op = API[name]
    expected = {"anon": 401, "ana": op[3], "lee": op[3], "ben": 404, "admin": 404, "dee": 404}
    for persona, status in expected.items():
        records = _records(world)
        client = Client()
        if persona != "anon":
            client.force_login(world[persona])
        response = _call(client, op, records)
        assert response.status_code == status, (name, persona, response.content[:300])


def test_api_results_and_errors(world: World) -> None:
    records = _records(world)
    client = Client()
    client.force_login(world["ana"])

    def post(path: str, body: dict[str, Any]) -> Any:
        return client.post(path, data=json.dumps(body), content_type="application/json")

    goals = client.get(f"/api/v1/people/{records['person']}/goals").json()
    assert goals[0]["wording"] == "Get out more"
    assert goals[0]["actions"][0]["follow_ups"][0]["barriers"] == ["transport"]
    bad = post(f"/api/v1/people/{records['person']}/goals", {"wording": "x", "owner": "nobody"})
    assert bad.status_code == 422 and "owner" in bad.json()["detail"]
    bad = post(
        f"/api/v1/people/{records['person']}/goals",
        {"wording": "x", "owner": "both", "chime": ["joy"]},
    )
    assert bad.status_code == 422 and "joy" in bad.json()["detail"]
    bad = post(
        f"/api/v1/actions/{records['action']}/follow-ups",
        {"date": TODAY, "happened": "no", "barriers": ["weather"], "next_step": "stop"},
    )
    assert bad.status_code == 422
    out_of_range = post(
        f"/api/v1/people/{records['person']}/responses",
        {"instrument": "ons4", "date": TODAY, "answers": {"anxiety": 11}},
    )
    assert out_of_range.status_code == 422 and "anxiety" in out_of_range.json()["detail"]
    licensed = post(
        f"/api/v1/people/{records['person']}/responses",
        {"instrument": "lsns6", "date": TODAY, "answers": {}},
    )
    assert licensed.status_code == 422 and "licensed text" in licensed.json()["detail"]
    signed = client.post(f"/api/v1/responses/{records['signed']}/sign")
    assert signed.status_code == 409
    amended = post(
        f"/api/v1/responses/{records['signed']}/amendments", {"answers": ONS_LONELY, "reason": ""}
    )
    assert amended.status_code == 422
    post(
        f"/api/v1/people/{records['person']}/responses",
        {
            "instrument": "ons4",
            "date": TODAY,
            "answers": {"life_satisfaction": 7, "worthwhile": 7, "happiness": 6, "anxiety": 2},
            "sign": True,
        },
    )
    scores = client.get(f"/api/v1/people/{records['person']}/scores").json()
    ids = {(s["instrument"], s["score"]) for s in scores}
    assert ("ons-loneliness", "ucla3") in ids and ("ons4", "anxiety") in ids
    assert not any(s["instrument"] == "ons4" and s["score"] == "total" for s in scores)
    ucla = next(s for s in scores if s["score"] == "ucla3")
    assert ucla["points"][0]["value"] == 7 and ucla["points"][0]["band"] == "Lonely (6 to 9)"
