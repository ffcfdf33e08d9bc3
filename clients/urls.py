"""The client pages. Every pattern declares what a successful answer shows of persons, so
each read is audited (``imcase.audit.reads``); a plain ``path()`` is not allowed here."""

from clients import reads
from clients.views import (
    assign,
    case,
    detail,
    edit,
    handover,
    household,
    network,
    outcome,
    transfer,
)
from clients.views import list as list_views
from imcase.audit.reads import WRITES_ONLY, AuditedByView, NoPersonData, Reads
from imcase.audit.reads import audited_path as path

CLIENT_PAGE = Reads(
    "Personenseite: Stammdaten, Beratungszeitraum, Übergabenotizen, Kontakte, Einwilligungen",
    reads.client,
    "client",
)
CONTACT_PAGE = Reads(
    "Kontakt: Notiz, Beteiligte, Vermittlungen, Verlauf",
    reads.contact_participants,
    "consultation",
)
OUTCOME_PAGE = Reads("Wirkung: Art, Daten, Quelle, Verlauf", reads.outcome_client, "outcome")

app_name = "clients"
urlpatterns = [
    path(
        "",
        list_views.client_list,
        name="list",
        reads=Reads("Personenliste mit Suche und Filtern", reads.kreis_list, "client_list"),
    ),
    path(
        "faellig/",
        list_views.caseload,
        name="caseload",
        reads=Reads("Fällig: Fristen und Aufgaben der Fälle", reads.kreis_list, "caseload"),
    ),
    path(
        "neu/",
        edit.client_create,
        name="create",
        reads=Reads(
            "Neuanlage: mögliche Dubletten (Name, Geburtsdatum, Aktenzeichen)",
            reads.duplicate_check,
            "client_create",
        ),
    ),
    path(
        "import/",
        transfer.import_upload,
        name="import",
        reads=NoPersonData("Upload der Zuweisungsliste; Ergebnis nennt Zeilen der Datei"),
    ),
    path(
        "import/<uuid:code>/",
        transfer.import_job,
        name="import_job",
        reads=NoPersonData("eigener Import im Hintergrund; Ergebnis nennt Zeilen der Datei"),
    ),
    path(
        "import/vorlage.<str:fmt>",
        transfer.import_template,
        name="import_template",
        reads=NoPersonData("Vorlage: Kopfzeile und eine erfundene Beispielzeile"),
    ),
    path(
        "import/<uuid:code>/fehler.csv",
        transfer.import_problems,
        name="import_problems",
        reads=NoPersonData("alle Fehler eines eigenen Imports; nennt Zeilen der Datei"),
    ),
    path(
        "import/<uuid:code>/stand/",
        transfer.import_job_status,
        name="import_job_status",
        reads=NoPersonData("Stand eines eigenen Imports: Zahl der gelesenen Zeilen"),
    ),
    path(
        "export/",
        transfer.export_download,
        name="export",
        reads=AuditedByView("Export-Eintrag mit Filtern und Anzahl der Zeilen"),
    ),
    path(
        "uebergabe/",
        handover.handover,
        name="handover",
        reads=Reads(
            "Übergabe aus der VU: Suche nach Aktenzeichen und Geburtsdatum (Treffer: Name, "
            "Gemeinde, Notizformular)",
            reads.handover_lookup,
            "handover_lookup",
        ),
    ),
    path(
        "uebergabe/meine/",
        handover.handover_mine,
        name="handover_mine",
        reads=Reads(
            "Eigene Übergabenotizen aus der VU", reads.own_handover_notes, "handover_notes_own"
        ),
    ),
    path("<uuid:code>/", detail.client_detail, name="detail", reads=CLIENT_PAGE),
    path(
        "<uuid:code>/bearbeiten/",
        edit.client_edit,
        name="edit",
        reads=Reads("Stammdaten und Änderungsverlauf", reads.client, "client_edit"),
    ),
    path(
        "<uuid:code>/haushalt/",
        household.household,
        name="household",
        reads=Reads("Haushalt: Mitglieder und ihre Rollen", reads.household, "household"),
    ),
    # Netzwerkarbeit names no person: the page shows the provider's activities only.
    path(
        "netzwerkarbeit/",
        network.network_list,
        name="network",
        reads=NoPersonData("Netzwerkarbeit des eigenen Trägers: Art, Thema, Partner, Anzahl"),
    ),
    path(
        "netzwerkarbeit/<uuid:code>/",
        network.network_edit,
        name="network_edit",
        reads=NoPersonData("eine Netzwerkaktivität des eigenen Trägers und ihr Verlauf"),
    ),
    path(
        "netzwerkarbeit/<uuid:code>/zuruecknehmen/",
        network.network_withdraw,
        name="network_withdraw",
        reads=WRITES_ONLY,
    ),
    path("zuweisen/", assign.assign, name="assign", reads=WRITES_ONLY),
    path("<uuid:code>/uebernehmen/", assign.take, name="take_over", reads=WRITES_ONLY),
    path("<uuid:code>/einwilligungen/", edit.consent_add, name="consent_add", reads=WRITES_ONLY),
    path(
        "<uuid:code>/einwilligungen/<int:pk>/widerruf/",
        edit.consent_revoke,
        name="consent_revoke",
        reads=WRITES_ONLY,
    ),
    # A POST that answers with the PDF (or, refused, a redirect to the client page).
    path(
        "<uuid:code>/jobcenter/uebermittlungsbogen/",
        edit.jobcenter_sheet,
        name="jobcenter_sheet",
        reads=Reads(
            "Übermittlungsbogen Jobcenter (PDF): die Daten der eingewilligten Kategorien",
            reads.client,
            "jobcenter_sheet",
        ),
    ),
    # A contact with errors comes back on the client page.
    path(
        "<uuid:code>/kontakt/",
        detail.consultation_create,
        name="consultation_create",
        reads=CLIENT_PAGE,
    ),
    path(
        "kontakte/<uuid:code>/",
        detail.consultation_edit,
        name="consultation_edit",
        reads=CONTACT_PAGE,
    ),
    # A withdrawal without a reason comes back on the contact page.
    path(
        "kontakte/<uuid:code>/stornieren/",
        detail.consultation_withdraw,
        name="consultation_withdraw",
        reads=CONTACT_PAGE,
    ),
    path(
        "vermittlungen/<int:pk>/",
        detail.referral_status,
        name="referral_status",
        reads=WRITES_ONLY,
    ),
    path(
        "<uuid:code>/wirkung/",
        outcome.outcome_create,
        name="outcome_create",
        reads=Reads("Wirkung erfassen: Name und Aktenzeichen", reads.client, "outcome_create"),
    ),
    path("wirkungen/<uuid:code>/", outcome.outcome_edit, name="outcome_edit", reads=OUTCOME_PAGE),
    # A withdrawal without a reason comes back on the outcome page.
    path(
        "wirkungen/<uuid:code>/zuruecknehmen/",
        outcome.outcome_withdraw,
        name="outcome_withdraw",
        reads=OUTCOME_PAGE,
    ),
    path(
        "<uuid:code>/verlaengerung/",
        case.extension_request,
        name="extension_request",
        reads=WRITES_ONLY,
    ),
    path(
        "verlaengerungen/<int:pk>/",
        case.extension_decide,
        name="extension_decide",
        reads=WRITES_ONLY,
    ),
    path("<uuid:code>/umzug/", case.move, name="move", reads=WRITES_ONLY),
    path("<uuid:code>/ausleitung/", case.close, name="close", reads=WRITES_ONLY),
    path("<uuid:code>/wiedereroeffnung/", case.reopen, name="reopen", reads=WRITES_ONLY),
]
