"""Browser test of the Verfügungsfonds (issue 8, item 4).

A resident applies for 400 € for a neighbourhood breakfast without an account and sees her receipt; staff pre-check
the application, record the jury's decision in a jury meeting with its votes, enter the payout and the proof of use
(a photo and a short report), close it after the check, and the project appears on the fund's public page. Every
page on the way has zero axe violations. Bad input (no financing plan, a negative amount) is refused with 400.

The session's server is shared with the other test files: the demo's applications are only read; the application
these tests walk through is their own (its title carries a random tag)."""

from __future__ import annotations

import struct
import uuid
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from helpers import (
    STAFF,
    HttpClient,
    assert_accessible,
    assert_page_basics,
    body_text,
    exists,
    fill,
    find,
    login,
    path_of,
    submit,
    wait_for,
)


def _png(path) -> None:
    """A small, valid RGB PNG (uncompressed rows through zlib)."""
    width, height = 8, 6
    raw = b"".join(b"\x00" + bytes([200, 120, 40]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _step(driver, action_suffix: str, values: dict[str, str] | None = None) -> None:
    """Fills and submits the application page's form whose action ends in `action_suffix`; fails on form errors."""
    form = find(driver, f"form[action$='{action_suffix}']")
    for name, value in (values or {}).items():
        fill(form, name, value)
    submit(driver, form)
    errors = driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    assert not errors, f"{action_suffix} refused: {errors[0].text}"


def test_resident_applies_jury_decides_payout_proof_public(driver, server, tmp_path):
    tag = uuid.uuid4().hex[:6]
    title = f"Nachbarschaftsfrühstück im Hof {tag}"

    # The resident finds the fund and applies for 400 €.
    driver.get(server.url + "/verfuegungsfonds")
    assert_page_basics(driver)
    assert_accessible(driver)
    find(driver, "a[href='/verfuegungsfonds/antrag']").click()
    form = wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "form#fund-application") or False, "the application form")[0]
    assert_accessible(driver)
    for name, value in {
        "applicantName": "Rosa Testbewohnerin", "groupName": "Hausgemeinschaft Musterweg 44", "email": f"rosa-{tag}@beispiel.example",
        "title": title, "aim": "Die Nachbarinnen und Nachbarn lernen sich bei einem Frühstück kennen.",
        "targetGroup": "alle im Haus", "partners": "Mieterbeirat",
        "cost1Label": "Brötchen, Aufstrich, Obst", "cost1Amount": "300", "cost2Label": "Kaffee, Tee und Saft", "cost2Amount": "100",
    }.items():
        fill(form, name, value)
    find(form, "#publicConsent").click()
    find(form, "#consent").click()
    submit(driver, form)
    wait_for(driver, lambda d: path_of(d).startswith("/verfuegungsfonds/antrag/"), "the applicant's own page")
    text = body_text(driver)
    assert "Vielen Dank" in text and "400,00" in text, text[:800]
    assert_page_basics(driver)
    assert_accessible(driver)

    # Staff find it in this year's fund and pre-check it.
    login(driver, server.url, STAFF)
    driver.get(server.url + "/verwaltung/verfuegungsfonds")
    assert_accessible(driver)
    find(driver, "main ul a").click()
    wait_for(driver, lambda d: exists(d, "#fonds-stand"), "the fund's page")
    assert_accessible(driver)
    driver.find_element(By.LINK_TEXT, title).click()
    wait_for(driver, lambda d: exists(d, "#antrag-status"), "the application's page")
    assert_page_basics(driver)
    assert_accessible(driver)
    _step(driver, "/vorpruefung", {"note": "Vollständig, passt zu den Förderzielen."})
    assert find(driver, "#antrag-status").text == "Vorgeprüft"
    assert_accessible(driver)

    # The jury decided in its meeting: 4 yes, 0 no, 1 abstention.
    jury_form = find(driver, "form[action$='/jury']")
    meeting = Select(find(jury_form, "#meeting"))
    choice = next(o for o in meeting.options if "Jury Verfügungsfonds" in o.text)
    meeting.select_by_visible_text(choice.text)
    _step(driver, "/jury", {"yes": "4", "no": "0", "abstain": "1", "amount": "400"})
    assert find(driver, "#antrag-status").text == "Bewilligt"
    assert "Jury" in body_text(driver)
    assert_accessible(driver)
    application_url = driver.current_url
    find(driver, "a[href^='/verwaltung/sitzungen/']").click()
    wait_for(driver, lambda d: f"Verfügungsfonds: {title}" in body_text(d), "the decision on the jury meeting's agenda")
    assert "Die Jury bewilligt 400,00" in body_text(driver)

    # Payout, proof of use with a photo and a short report, the check.
    driver.get(application_url)
    _step(driver, "/auszahlung", {"amount": "400"})
    assert find(driver, "#antrag-status").text == "Ausgezahlt"
    photo = tmp_path / "fruehstueck.png"
    _png(photo)
    proof = find(driver, "form[action$='/nachweis']")
    fill(proof, "report", "Rund 35 Nachbarinnen und Nachbarn kamen, es gibt jetzt einen Hof-Chat.")
    Select(find(proof, "#kind")).select_by_value("photo")
    find(proof, "#proof-file").send_keys(str(photo))
    submit(driver, proof)
    assert not driver.find_elements(By.CSS_SELECTOR, ".error-summary"), body_text(driver)[:800]
    assert find(driver, "#antrag-status").text == "Verwendungsnachweis eingereicht"
    assert "fruehstueck.png" in body_text(driver)
    assert_accessible(driver)
    _step(driver, "/pruefung", {"note": "Belege und Foto vollständig."})
    assert find(driver, "#antrag-status").text == "Geprüft und abgeschlossen"
    assert_accessible(driver)

    # The project is on the public page, without the applicant's name.
    driver.delete_all_cookies()
    driver.get(server.url + "/verfuegungsfonds")
    text = body_text(driver)
    assert title in text
    assert "Rosa Testbewohnerin" not in text
    assert_accessible(driver)


def test_bad_applications_are_refused(server):
    client = HttpClient(server.url)
    base = {
        "applicantName": "Test", "email": "test@beispiel.example", "title": "Test", "aim": "Test", "targetGroup": "Test", "consent": "on",
    }
    missing_plan = client.submit("/verfuegungsfonds/antrag", "fund-application", base)
    assert missing_plan.status == 400
    assert "mindestens eine Zeile mit Kosten" in missing_plan.text
    negative = client.submit("/verfuegungsfonds/antrag", "fund-application", {**base, "cost1Label": "Brötchen", "cost1Amount": "-40"})
    assert negative.status == 400
    assert "ist kein Betrag" in negative.text


def test_fund_pages_fit_a_phone_screen(driver, server):
    """WCAG 1.4.10 (reflow): the fund's page, the application form (its financing plan included) and the applicant's
    page do not scroll sideways at 390 CSS px."""
    from test_events import _sideways_scrolling

    tag = uuid.uuid4().hex[:6]
    resident = HttpClient(server.url)
    r = resident.submit("/verfuegungsfonds/antrag", "fund-application", {
        "applicantName": "Gül Testbewohnerin", "email": f"guel-{tag}@beispiel.example", "title": f"Kiezputz {tag}",
        "aim": "Den Hof gemeinsam aufräumen.", "targetGroup": "alle im Haus", "cost1Label": "Müllsäcke und Handschuhe", "cost1Amount": "45,50",
        "consent": "on",
    })
    assert r.status == 200 and r.path.startswith("/verfuegungsfonds/antrag/"), f"applying answered {r.status} at {r.path}"
    problems = []
    driver.set_window_size(390, 844)
    try:
        for path, what in (("/verfuegungsfonds", "the fund's page"), ("/verfuegungsfonds/antrag", "the application form"),
                           (r.path, "the applicant's page")):
            driver.get(server.url + path)
            assert_page_basics(driver)
            problems.append(_sideways_scrolling(driver, what))
            assert_accessible(driver)
    finally:
        driver.set_window_size(1280, 900)
    found = [p for p in problems if p]
    assert not found, "pages that do not fit a phone screen:\n" + "\n".join(found)
