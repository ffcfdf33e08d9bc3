"""The plan PDF: a real PDF whose text holds the goals, steps and the name in Arabic script,
downloaded only inside the client's scope and written to the audit log."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from imcase import pdf as imcase_pdf
from imcase.audit.models import AuditEntry
from plans import pdf
from tests.factories import GoalFactory, PlanFactory, StepFactory

ARABIC_NAME = "أمينة حداد"
CYRILLIC_NAME = "Олена Петренко"


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text via pdftotext (poppler-utils, installed by scripts/install-test-deps.sh)."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext fehlt: scripts/install-test-deps.sh installiert poppler-utils"
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    result = subprocess.run(  # noqa: S603 - our own file, fixed arguments
        [pdftotext, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def contains_arabic(text: str, name: str) -> bool:
    """pdftotext may give right-to-left words in visual order: accept either order."""
    flat = " ".join(text.split())
    words = name.split()
    return name in flat or " ".join(reversed(words)) in flat


@pytest.fixture
def plan(world):
    world.client.native_name = ARABIC_NAME
    world.client.save()
    plan = PlanFactory(client=world.client, version__agreed_on=dt.date(2025, 3, 3))
    version = plan.versions.get()
    goal = GoalFactory(version=version, text="Deutschkurs B1 mit Zertifikat abschließen")
    StepFactory(goal=goal, what="Anmeldung beim Kursträger", due_on=dt.date(2025, 4, 30))
    GoalFactory(version=version, part="B", text="Ausbildung zur Pflegefachkraft beginnen")
    return plan


def test_plan_pdf_holds_goals_steps_dates_and_the_arabic_name(plan, tmp_path):
    content = pdf.render_plan_pdf(plan.versions.get())
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "Integrationsplan" in text
    assert "Deutschkurs B1 mit Zertifikat abschließen" in text
    assert "Ausbildung zur Pflegefachkraft beginnen" in text
    assert "Anmeldung beim Kursträger" in text
    assert "30.04.2025" in text
    assert "Teil A" in text and "Teil B" in text
    assert "Unterschrift Klient:in" in text
    assert "Unterschrift Integrationsmanager:in" in text
    assert contains_arabic(text, ARABIC_NAME)
    # The shared page stylesheet (templates/_pdf_base.css) with this document's footer.
    assert "Integrationsplan – vertraulich" in text and "Seite 1 von" in text


def test_plan_pdf_renders_cyrillic_names(world, tmp_path):
    world.client.native_name = CYRILLIC_NAME
    world.client.save()
    plan = PlanFactory(client=world.client)
    text = pdf_text(pdf.render_plan_pdf(plan.versions.get()), tmp_path)
    assert CYRILLIC_NAME in " ".join(text.split())


def test_plan_pdf_embeds_a_font_for_arabic_script(plan, tmp_path):
    """pdffonts lists the fonts embedded in the PDF: Noto Sans and Noto Sans Arabic."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf.render_plan_pdf(plan.versions.get()))
    pdffonts = shutil.which("pdffonts")
    assert pdffonts, "pdffonts fehlt: scripts/install-test-deps.sh installiert poppler-utils"
    fonts = subprocess.run(  # noqa: S603 - our own file, fixed arguments
        [pdffonts, str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Noto-Sans-Arabic" in fonts or "NotoNaskhArabic" in fonts.replace("-", "")
    assert "Noto-Sans" in fonts


def test_pdf_never_fetches_from_the_network():
    # The one PDF helper of the project (imcase.pdf) refuses every URL.
    with pytest.raises(imcase_pdf.FetchRefused):
        imcase_pdf._refuse("https://example.org/logo.png")


def test_manager_downloads_the_pdf_and_the_download_is_audited(client, world, plan):
    client.force_login(world.owner)
    response = client.get(reverse("plans:pdf", args=[plan.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        actor=world.owner, object_id=str(world.client.code), detail__event="plan_pdf"
    ).exists()


def test_outsider_gets_404_on_the_pdf_of_an_earlier_version(client, world, plan):
    client.force_login(world.outsider)
    response = client.get(reverse("plans:version_pdf", args=[plan.code, 1]))
    assert response.status_code == 404
