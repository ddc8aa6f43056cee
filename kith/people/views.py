from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kith.audit.log import record_view
from kith.maps.access import maps_of_person
from kith.people.access import (
    get_person_for_user,
    in_order,
    is_team_lead_for,
    people_for_user,
    people_in_order,
)
from kith.people.actions import do_create_person, do_update_person
from kith.people.forms import CaseloadFilterForm, PersonForm
from kith.people.models import Person, Status

PAGE_SIZE = 25


def _filtered(request: HttpRequest, form: CaseloadFilterForm) -> tuple[QuerySet[Person], list[int]]:
    """The people the filters allow, and their ids in the chosen order (searched in Python:
    names are encrypted in the database)."""
    people = people_for_user(request.user)
    data = form.cleaned_data if form.is_valid() else {}
    if not data.get("closed"):
        people = people.filter(status=Status.OPEN)
    show = data.get("show") or "team"
    if show == "mine":
        people = people.filter(key_worker=request.user)
    elif show == "review":
        people = people.filter(next_review__lte=timezone.localdate())
    elif show == "unmapped":
        people = people.filter(last_map_date__isnull=True)
    return people, people_in_order(people, data.get("q") or "", data.get("sort") or "name")


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadFilterForm(request.GET or None)
    people, ids = _filtered(request, form)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = in_order(people, list(page.object_list))
    params = request.GET.copy()
    params.pop("page", None)
    record_view("people.person")  # the list, once: opening a record is what names the person
    return render(
        request,
        "people/caseload.html",
        {
            "nav": "caseload",
            "form": form,
            "page": page,
            "query_string": params.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not request.user.caseload_team_ids():
        raise Http404("You are not on a team with a caseload")
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = do_create_person(request.user, **form.cleaned_data)
        messages.success(request, f"{person.display_name} was added.")
        return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "nav": "new-person"})


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    maps = list(maps_of_person(person))
    draft = next((m for m in maps if m.is_draft), None)
    finals = [m for m in maps if m.is_final]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "maps": maps,
            "draft": draft,
            "finals": finals,
            "today": timezone.localdate(),
            "is_team_lead": is_team_lead_for(request.user, person),
        },
    )


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        do_update_person(request.user, person, **form.cleaned_data)
        messages.success(request, "The details were saved.")
        return redirect(person)
    return render(request, "people/person_form.html", {"form": form, "person": person})
