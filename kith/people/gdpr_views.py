"""Pages for UK GDPR rights on a person's record: subject access export and erasure.

Both are for team leads of the person's team only (:func:`get_person_for_team_lead`; everyone
else gets 404), both need a POST to act, and both go through ``actions.py`` so they are audited.
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kith.people.access import get_person_for_team_lead
from kith.people.actions import ErasureRefused, do_erase_person, do_export_subject_access
from kith.people.forms import EraseForm
from kith.people.gdpr import subject_access_filename

#: Exports up to this size stay in memory; bigger ones spill to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def subject_access(request: HttpRequest, person_id: int) -> HttpResponse:
    """GET: what the export holds; POST: the zip, as a download (audited)."""
    person = get_person_for_team_lead(request.user, person_id)
    if request.method != "POST":
        maps = person.maps.count()
        response = render(
            request, "people/subject_access.html", {"person": person, "map_count": maps}
        )
        response["Cache-Control"] = "no-store"
        return response
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    # An unticked box is not sent: no "pdf" means the printouts are left out.
    do_export_subject_access(request.user, person, spool, pdf=request.POST.get("pdf") == "on")
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=subject_access_filename(person),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, person_id: int) -> HttpResponse:
    """Erase the record for good, after typing its reference or initials (team leads only)."""
    person = get_person_for_team_lead(request.user, person_id)
    form = EraseForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            erasure = do_erase_person(person, request.user, form.cleaned_data["reason"])
        except ErasureRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, f"Record {erasure.person_id} and everything linked to it were erased."
            )
            return redirect("people:caseload")
    response = render(request, "people/erase.html", {"person": person, "form": form})
    response["Cache-Control"] = "no-store"
    return response
