"""Outcome figures (group "Wirkung" of the 2026 table) and the cohort view, counted by hand.

The small cohort (today 30.11.2026; Altstadt is served by the Landratsamt, Neustadt by the
Stadt Neustadt):

Cohort 2023 (everyone's window has run 36 months):
- a, Altstadt, window from 01.03.2023: B1 on 15.02.2024 (within 12 months), employment from
  10.01.2025 (within 24); in 2026 an A2 (Landratsamt) and a B2 (Stadt Neustadt) certificate.
- b, Altstadt, window from 15.06.2023: B1 on 01.05.2023, before the window (not counted), A2 on
  01.09.2023; own flat on 15.06.2026 (exactly 36 months: counted); benefit-free from 01.07.2026.
- c, Neustadt, window from 31.01.2023: Minijob from 28.02.2023 (within 12); a withdrawn B1.
Cohort 2025:
- d, Altstadt, window from 10.01.2025 (has run 12 months, not 24): own flat 01.05.2025; B1 on
  01.03.2026 (after 12 months); a withdrawn C1 in 2026.
- e, Altstadt, window from 15.12.2025 (has not run 12 months: in no denominator): employment
  from 05.01.2026 (Landratsamt) and Ausbildung from 01.09.2026 (Stadt Neustadt).
Elsewhere: a person of another Kreis with a B1 and a job; never counted here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from reporting.cohorts import AddMonths, add_months, cohorts
from reporting.dashboard import Dashboard, Filters
from reporting.kennzahlen.definitions import v2023, v2026
from reporting.kennzahlen.registry import definition_for
from reporting.kennzahlen.table import compute_table
from reporting.scoping import figures_scope_or_404
from tests.factories import (
    ClientFactory,
    LandkreisFactory,
    MunicipalityFactory,
    OutcomeEventFactory,
    ProviderAreaFactory,
    ProviderFactory,
    outcome_kind,
)

D = dt.date
TODAY = D(2026, 11, 30)
pytestmark = pytest.mark.today("2026-11-30")


def _person(town, start: dt.date, name: str) -> Client:
    return ClientFactory(municipality=town, assignment_date=start, opened_on=start, last_name=name)


def _outcome(client, provider, kind: str, started_on: dt.date, **kwargs):
    return OutcomeEventFactory(
        client=client, provider=provider, kind=outcome_kind(kind), started_on=started_on, **kwargs
    )


def _certificate(client, provider, level: str, on: dt.date, **kwargs):
    return _outcome(
        client,
        provider,
        "integrationskurs",
        on - dt.timedelta(days=180),
        ended_on=on,
        certificate_level=level,
        certificate_on=on,
        **kwargs,
    )


@pytest.fixture
def cohort(world):
    w = world
    lra, neustadt = w.provider, w.other_provider
    withdrawn = {"withdrawn_at": timezone.make_aware(dt.datetime(2026, 5, 1))}
    a = _person(w.town, D(2023, 3, 1), "A")
    _certificate(a, lra, "B1", D(2024, 2, 15))
    _outcome(a, lra, "svb", D(2025, 1, 10), hours_band="ab30")
    _certificate(a, lra, "A2", D(2026, 2, 1))
    _certificate(a, neustadt, "B2", D(2026, 10, 1))
    b = _person(w.town, D(2023, 6, 15), "B")
    _certificate(b, lra, "B1", D(2023, 5, 1))
    _certificate(b, lra, "A2", D(2023, 9, 1))
    _outcome(b, lra, "eigene-wohnung", D(2026, 6, 15))
    _outcome(b, lra, "leistungsunabhaengig", D(2026, 7, 1))
    c = _person(w.other_town, D(2023, 1, 31), "C")
    _outcome(c, neustadt, "minijob", D(2023, 2, 28))
    _certificate(c, neustadt, "B1", D(2023, 5, 1), **withdrawn)
    d = _person(w.town, D(2025, 1, 10), "D")
    _outcome(d, lra, "eigene-wohnung", D(2025, 5, 1))
    _certificate(d, lra, "B1", D(2026, 3, 1))
    _certificate(d, lra, "C1", D(2026, 4, 1), **withdrawn)
    e = _person(w.town, D(2025, 12, 15), "E")
    _outcome(e, lra, "svb", D(2026, 1, 5))
    _outcome(e, neustadt, "ausbildung", D(2026, 9, 1))
    # another Kreis: never counted here
    elsewhere = LandkreisFactory(name="Landkreis Anderswo")
    far = MunicipalityFactory(landkreis=elsewhere, name="Fernheim", ags="08888001")
    far_provider = ProviderFactory(landkreis=elsewhere, name="Träger Anderswo")
    ProviderAreaFactory(provider=far_provider, municipality=far, valid_from=D(2020, 1, 1))
    f = _person(far, D(2023, 2, 1), "F")
    _certificate(f, far_provider, "B1", D(2026, 1, 15))
    _outcome(f, far_provider, "svb", D(2026, 2, 1))
    # world.client and world.other_client: window from 01.03.2024, no outcomes
    return w


def _cells(table, year: int) -> dict[str, str]:
    row = table.row(year)
    return {key: _plain(cell.text) for key, cell in row.cells.items()}


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ")


# --- the year's figures -------------------------------------------------------------------


def test_the_2023_definition_is_unchanged_and_2026_carries_it_plus_wirkung():
    old, new = definition_for(2025), definition_for(2026)
    assert (old.version, new.version) == ("2023.1", "2026.1")
    assert old is v2023.DEFINITION and new is v2026.DEFINITION
    assert "W01" not in old.by_id and "wirkung" not in {g.key for g in old.groups}
    assert new.figures[: len(old.figures)] == old.figures
    assert new.groups[: len(old.groups)] == old.groups
    # added: the network work in the staff figures, and the group "Wirkung"
    added = ["P05", "P06", "W01", "W02", "W03", "W04", "W05"]
    assert [f.id for f in new.figures[len(old.figures) :]] == added
    assert all(not f.additive for f in new.figures if f.group == "wirkung")


def test_the_outcome_figures_of_2026_counted_by_hand(cohort):
    w = cohort
    table = compute_table(w.landkreis, 2026)
    lra, neu = f"p{w.provider.pk}", f"p{w.other_provider.pk}"

    def cell(figure, label="", column="kreis"):
        return table.value(figure, label, column)

    # certificates: a counts once, at B2 (his highest in the Kreis), at the Stadt Neustadt
    # only; d at B1 (the withdrawn C1 does not count); f is in another Kreis
    assert [cell("W01", level) for level in ("A1", "A2", "B1", "B2", "C1", "C2")] == [
        0,
        0,
        1,
        1,
        0,
        0,
    ]
    assert cell("W01", "insgesamt") == 2
    assert (cell("W01", "B1", lra), cell("W01", "B2", lra), cell("W01", "A2", lra)) == (1, 0, 0)
    assert (cell("W01", "B2", neu), cell("W01", "insgesamt", neu)) == (1, 1)
    # work or training: e with two providers counts at each, once in the Kreis
    assert (cell("W02", "", lra), cell("W02", "", neu), cell("W02")) == (1, 1, 1)
    assert cell("W03", "sozialversicherungspflichtige Beschäftigung") == 1
    assert cell("W03", "Ausbildung") == 1
    assert cell("W03", "Ausbildung", lra) == 0
    assert cell("W03", "Minijob") == 0  # c's Minijob began in 2023
    # own tenancy: b in 2026 (d moved in 2025); benefit independence: b
    assert (cell("W04"), cell("W04", "", lra), cell("W05")) == (1, 1, 1)


def test_the_outcome_figures_of_2025_are_not_in_the_2023_table(cohort):
    table = compute_table(cohort.landkreis, 2025)
    assert table.definition.version == "2023.1"
    assert not [line for line in table.lines() if line.figure.group == "wirkung"]


def test_a_providers_own_table_has_the_same_outcome_values_as_its_kreis_column(cohort):
    w = cohort
    own = compute_table(w.landkreis, 2026, w.other_provider)
    assert own.value("W01", "B2", f"p{w.other_provider.pk}") == 1
    assert own.value("W02", "", f"p{w.other_provider.pk}") == 1


# --- the cohort view ----------------------------------------------------------------------


def test_calendar_months_agree_in_python_and_postgresql(world):
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 6, 15), 36) == D(2026, 6, 15)
    assert add_months(D(2023, 12, 31), 12) == D(2024, 12, 31)
    Client.objects.filter(pk=world.client.pk).update(window_start=D(2024, 2, 29))
    found = (
        Client.objects.filter(pk=world.client.pk)
        .annotate(end=AddMonths("window_start", 12))
        .values_list("end", flat=True)
        .get()
    )
    assert found == add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)


def test_the_cohorts_of_the_kreis_counted_by_hand(cohort):
    table = cohorts(Client.objects.filter(landkreis=cohort.landkreis), TODAY)
    assert [row.year for row in table.rows] == [2023, 2024, 2025]
    assert table.row(2023).persons == 3
    assert _cells(table, 2023) == {
        "b1_12": "1 von 3 (33,3 %)",  # a; b's B1 was before his window, c's withdrawn
        "arbeit_12": "1 von 3 (33,3 %)",  # c
        "wohnung_12": "0 von 3 (0,0 %)",
        "b1_24": "1 von 3 (33,3 %)",
        "arbeit_24": "2 von 3 (66,7 %)",  # a from 10.01.2025, within 24 months
        "wohnung_24": "0 von 3 (0,0 %)",
        "b1_36": "1 von 3 (33,3 %)",
        "arbeit_36": "2 von 3 (66,7 %)",
        "wohnung_36": "1 von 3 (33,3 %)",  # b on the last day of 36 months
    }
    # 2025: d has run 12 months, e not even that; nobody 24 months
    assert table.row(2025).persons == 2
    assert _cells(table, 2025) == {
        "b1_12": "0 von 1 (0,0 %)",  # d's B1 came after 12 months
        "arbeit_12": "0 von 1 (0,0 %)",  # e's job is not counted: e is in no denominator
        "wohnung_12": "1 von 1 (100,0 %)",
        "b1_24": "—",
        "arbeit_24": "—",
        "wohnung_24": "—",
        "b1_36": "—",
        "arbeit_36": "—",
        "wohnung_36": "—",
    }


def test_on_an_earlier_day_the_longer_horizons_have_fewer_persons(cohort):
    table = cohorts(Client.objects.filter(landkreis=cohort.landkreis), D(2025, 12, 31))
    assert [row.year for row in table.rows] == [2023, 2024]  # 2025 is not over yet
    row = table.row(2023)
    assert _plain(row.cell("arbeit", 24).text) == "2 von 3 (66,7 %)"
    assert row.cell("wohnung", 36).text == "—"  # nobody's window has run 36 months yet
    assert _plain(table.row(2024).cell("wohnung", 12).text) == "0 von 2 (0,0 %)"
    assert table.row(2024).cell("wohnung", 24).text == "—"


def test_the_dashboard_scopes_the_cohorts_like_its_other_charts(cohort):
    w = cohort

    def cohort_of(user, **filters):
        board = Dashboard(figures_scope_or_404(user), Filters(2026, **filters), TODAY)
        chart = board.cohorts()
        chart.table_rows = [[_plain(str(cell)) for cell in row] for row in chart.table_rows]
        return chart

    office = cohort_of(w.office)
    assert office.body[0][:2] == ["2023", "3"]
    team_lead = cohort_of(w.colleague)  # Landratsamt: Altstadt only (a, b)
    assert team_lead.body[0][:3] == ["2023", "2", "1 von 2 (50,0 %)"]
    outsider = cohort_of(w.outsider)  # Stadt Neustadt: c only
    assert outsider.body[0][:4] == ["2023", "1", "0 von 1 (0,0 %)", "1 von 1 (100,0 %)"]
    filtered = cohort_of(w.office, municipality=w.other_town)
    assert filtered.body[0][:2] == ["2023", "1"]


def test_the_cohort_table_is_one_query_whatever_the_data(cohort, django_assert_num_queries):
    board = Dashboard(figures_scope_or_404(cohort.colleague), Filters(2026), TODAY)
    with django_assert_num_queries(1):
        board.cohorts()
    for index in range(5):
        person = _person(cohort.town, D(2023, 4, 1 + index), f"Mehr{index}")
        _outcome(person, cohort.provider, "svb", D(2023, 6, 1))
    with django_assert_num_queries(1):
        chart = board.cohorts()
    assert chart.body[0][1] == "7"


# --- dashboard and annual report ----------------------------------------------------------


def test_the_dashboard_shows_the_cohort_chart_and_its_table(cohort, client):
    client.force_login(cohort.office)
    response = client.get(reverse("reporting:dashboard"), secure=True)
    assert response.status_code == 200
    page = _plain(" ".join(response.content.decode().split()))
    assert 'id="diagramm-kohorten"' in page and "Wirkung nach Kohorten" in page
    assert "<title>Wirkung nach Kohorten</title>" in page
    assert '<th scope="col" class="text-end">B1+ in 12 Mon.</th>' in page
    assert '<td class="text-end">2 von 3 (66,7 %)</td>' in page
    assert '<td class="text-end">—</td>' in page
    assert "2023 · B1+ · 36 Mon." in page  # the bar: the longest horizon already run
    assert "Haddad" not in page


def test_people_without_figures_get_no_dashboard(cohort, client):
    for user in (cohort.municipality_user, cohort.rp_user):
        client.force_login(user)
        assert client.get(reverse("reporting:dashboard"), secure=True).status_code == 404


def test_the_annual_report_has_a_section_wirkung(cohort, client):
    from reporting.annual_report import ReportScope, build_report

    report = build_report(ReportScope(cohort.landkreis, None), 2026, TODAY)
    charts = {chart.key: chart for chart in report.outcome_charts}
    assert list(charts) == ["wirkung", "zertifikate", "arbeit", "kohorten"]
    assert dict(charts["wirkung"].rows) == {
        "Personen mit Sprachzertifikat nach höchstem Niveau": 2,
        "Personen mit Beginn von Arbeit oder Ausbildung": 1,
        "Personen mit Einzug in eigene Wohnung": 1,
        "Personen unabhängig von Sozialleistungen": 1,
    }
    assert dict(charts["zertifikate"].rows)["B2"] == 1
    assert [_plain(c) for c in charts["kohorten"].body[0][:3]] == ["2023", "3", "1 von 3 (33,3 %)"]

    earlier = build_report(ReportScope(cohort.landkreis, None), 2025, TODAY)
    assert [chart.key for chart in earlier.outcome_charts] == ["kohorten"]
    assert "Stand 31.12.2025" in earlier.outcome_charts[0].caption

    lead = build_report(ReportScope(cohort.landkreis, cohort.provider), 2026, TODAY)
    leads = {chart.key: chart for chart in lead.outcome_charts}
    assert dict(leads["zertifikate"].rows)["B2"] == 0  # the B2 was recorded in Neustadt
    assert leads["kohorten"].body[0][:2] == ["2023", "2"]

    client.force_login(cohort.office)
    page = client.get(reverse("reporting:annual_report") + "?jahr=2026", secure=True)
    html = " ".join(page.content.decode().split())
    assert '<h2 class="h4" id="wirkung">Wirkung</h2>' in html
    assert "Wirkung nach Kohorten" in html


def test_counting_queries_stay_bounded_in_the_2026_table(cohort, django_assert_max_num_queries):
    compute_table(cohort.landkreis, 2026)  # warm caches
    definition = definition_for(2026)
    figures = len(definition.figures)
    non_additive = sum(1 for f in definition.figures if not f.additive)
    with django_assert_max_num_queries(figures + non_additive + 14):
        compute_table(cohort.landkreis, 2026)


def test_dashboard_query_count_does_not_grow_with_outcomes(cohort, client):
    client.force_login(cohort.office)
    url = reverse("reporting:dashboard")
    client.get(url, secure=True)
    caches["computed"].clear()  # measure the computation, not the stored result
    with CaptureQueriesContext(connection) as before:
        client.get(url, secure=True)
    for index in range(5):
        person = _person(cohort.town, D(2024, 2, 1 + index), f"Noch{index}")
        _certificate(person, cohort.provider, "B1", D(2024, 9, 1))
    with CaptureQueriesContext(connection) as after:
        client.get(url, secure=True)
    assert len(after) == len(before)


def test_the_2026_table_page_and_workbook_have_the_sheet_wirkung(cohort, client):
    import io

    import openpyxl

    from reporting.kennzahlen.docs import sheet_names
    from reporting.xlsx import Origin, workbook_bytes

    table = compute_table(cohort.landkreis, 2026)
    origin = Origin(timezone.make_aware(dt.datetime(2026, 11, 30, 9)), "Koordinierungsstelle")
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(table, origin)))
    assert book.sheetnames == sheet_names(definition_for(2026))
    assert "Wirkung" in book.sheetnames
    rows = list(book["Wirkung"].iter_rows(values_only=True))
    assert any(row[0] == "W02" for row in rows)

    client.force_login(cohort.office)
    page = client.get(reverse("reporting:figures") + "?jahr=2026", secure=True)
    assert page.status_code == 200
    assert 'id="gruppe-wirkung"' in page.content.decode()
    client.force_login(cohort.municipality_user)
    assert client.get(reverse("reporting:figures") + "?jahr=2026", secure=True).status_code == 404
