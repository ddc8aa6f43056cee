from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kith.maps.access import maps_of_person
from kith.people.access import get_person_for_user, people_for_user
from kith.people.actions import do_create_person, do_update_person
from kith.people.forms import CaseloadFilterForm, PersonForm
from kith.people.models import Person, Status

PAGE_SIZE = 25


def _filtered(request: HttpRequest, form: CaseloadFilterForm) -> QuerySet[Person]:
    people = people_for_user(request.user)
    data = form.cleaned_data if form.is_valid() else {}
    if not data.get("closed"):
        people = people.filter(status=Status.OPEN)
    query = (data.get("q") or "").strip()
    if query:
        people = people.filter(Q(display_name__icontains=query) | Q(reference__icontains=query))
    show = data.get("show") or "team"
    if show == "mine":
        people = people.filter(key_worker=request.user)
    elif show == "review":
        people = people.filter(next_review__lte=timezone.localdate())
    elif show == "unmapped":
        people = people.filter(last_map_date__isnull=True)
    sort = data.get("sort") or "name"
    if sort == "last_map":
        people = people.order_by(F("last_map_date").asc(nulls_first=True), "display_name", "id")
    elif sort == "next_review":
        people = people.order_by(F("next_review").asc(nulls_last=True), "display_name", "id")
    else:
        people = people.order_by("display_name", "id")
    return people


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadFilterForm(request.GET or None)
    people = _filtered(request, form)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
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
