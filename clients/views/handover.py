"""The handover from the VU: one page to look a person up and write the note, and the list of
the writer's own notes. Only the VU's social worker and the office reach them (404 for anyone
else); the rules and the audit of every lookup are in ``clients/handover.py`` and
``clients/reads.py``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from clients.forms.handover import HandoverLookupForm, HandoverNoteForm
from clients.handover import HandoverInput, look_up, notes_written_by, record_handover_note
from imcase.organisation.access import scope_for
from imcase.organisation.models import Role
from imcase.web.actions import Done, run_form_action

SAVE = "speichern"


def _writer_scope(request):
    scope = scope_for(request.user)
    if not scope.writes_handover_notes:
        raise Http404
    return scope


@login_required
def handover(request):
    """GET: the lookup form. POST: look the person up; on a hit show the note form (or, with
    ``schritt=speichern``, save the note). The pair travels with the note form, so the person
    is looked up again for the save and no URL names him."""
    scope = _writer_scope(request)
    on_behalf = scope.role == Role.OFFICE
    if request.method != "POST":
        return render(request, "clients/handover/lookup.html", {"lookup": HandoverLookupForm()})
    lookup_form = HandoverLookupForm(request.POST)
    if not lookup_form.is_valid():
        return render(request, "clients/handover/lookup.html", {"lookup": lookup_form}, status=400)
    today = timezone.localdate()
    data = lookup_form.cleaned_data
    found = look_up(request.user, data["aktenzeichen"], data["birth_date"], today)
    request.handover_lookup = found  # for the audit entry (``clients.reads.handover_lookup``)
    if found.client is None:
        context = {"lookup": lookup_form, "refusal": found.message}
        return render(request, "clients/handover/lookup.html", context)
    person = found.client
    if request.POST.get("schritt") != SAVE:
        form = HandoverNoteForm(on_behalf=on_behalf)
    else:
        form = HandoverNoteForm(request.POST, on_behalf=on_behalf)

        def action(cleaned: dict) -> Done:
            record_handover_note(request.user, person, HandoverInput(**cleaned), today)
            return Done(
                f"Die Übergabenotiz für {person.first_name} {person.last_name} ist gespeichert.",
                reverse("clients:handover_mine"),
            )

        response = run_form_action(request, form, action)
        if response is not None:
            return response
    context = {"lookup": lookup_form, "person": person, "form": form, "save": SAVE}
    return render(request, "clients/handover/note_form.html", context)


@login_required
def handover_mine(request):
    """The notes the user wrote himself (the latest 50)."""
    _writer_scope(request)
    return render(request, "clients/handover/mine.html", {"notes": notes_written_by(request.user)})
