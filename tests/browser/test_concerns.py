"""Browser test of the concerns (Anliegen, issue 6).

A resident on a phone-sized window submits a concern with a photo and an e-mail address, confirms it through the
link in her e-mail, staff publish it, forward it to the planning office (Fachdienst Stadtplanung in the demo
directory) and mark it done, each with a public note; the resident sees the whole timeline on her own page and on
the public page. Every page on the way has zero axe violations. Bad input on the form is refused with 400.

The confirmation e-mail is read from the outbox table of the server's SQLite file (the conftest always runs the demo
on SQLite), so the test does not depend on a mail sink."""

from __future__ import annotations

import re
import sqlite3
import struct
import time
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
    fill,
    find,
    login,
    submit,
    wait_for,
)

PLANNING_OFFICE = "Stadt Marburg (Beispiel) – Fachdienst Stadtplanung"


def _png(path) -> None:
    width, height = 8, 6
    raw = b"".join(b"\x00" + bytes([40, 120, 200]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _confirmation_link(server, recipient: str) -> str:
    database = server.log_path.parent / "demo.sqlite"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with sqlite3.connect(database, timeout=10) as db:
            rows = db.execute("SELECT body FROM mail_outbox WHERE recipient = ?", (recipient,)).fetchall()
        for (body,) in rows:
            found = re.search(r"https?://\S+/anliegen/bestaetigen/\S+", body)
            if found:
                return found.group(0)
        time.sleep(0.5)
    raise AssertionError(f"no confirmation mail for {recipient} in the outbox")


def _no_sideways_scroll(driver) -> None:
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{driver.current_url} scrolls sideways by {overflow}px on a phone"


def _staff_step(driver, status: str, note: str, organisation: str | None = None) -> None:
    form = find(driver, "form#move")
    Select(form.find_element(By.NAME, "status")).select_by_value(status)
    fill(form, "note", note)
    if organisation:
        Select(form.find_element(By.NAME, "organisation")).select_by_visible_text(organisation)
    submit(driver, form)
    errors = driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    assert not errors, f"step to {status} refused: {errors[0].text}"


def test_resident_submits_confirms_staff_forward_and_finish(driver, server, tmp_path):
    base_url = server.url
    tag = uuid.uuid4().hex[:6]
    title = f"Treppe am Hang ohne Geländer {tag}"
    email = f"hanna.{tag}@beispiel.example"
    photo = tmp_path / "treppe.png"
    _png(photo)

    # --- The resident on her phone ---------------------------------------------------------------------------
    driver.set_window_size(390, 844)
    driver.get(base_url + "/anliegen")
    assert_page_basics(driver)
    assert_accessible(driver)
    _no_sideways_scroll(driver)
    driver.find_element(By.CSS_SELECTOR, "a.button[href='/anliegen/neu']").click()
    wait_for(driver, lambda d: d.current_url.endswith("/anliegen/neu"), "the concern form")
    assert_page_basics(driver)
    assert_accessible(driver)
    _no_sideways_scroll(driver)
    form = find(driver, "form#concern-form")
    fill(form, "title", title)
    fill(form, "description", "An der Treppe zum Spielplatz fehlt ein Geländer. Bei Nässe rutschen Kinder und Ältere aus.")
    Select(form.find_element(By.NAME, "category")).select_by_value("wege")
    fill(form, "address", "Am Beispielhang 7")
    form.find_element(By.NAME, "photo").send_keys(str(photo))
    fill(form, "name", "Hanna Testbewohnerin")
    fill(form, "email", email)
    form.find_element(By.ID, "wantsUpdates").click()
    form.find_element(By.ID, "consent").click()
    submit(driver, form)
    assert "/anliegen/mein/" in driver.current_url, driver.current_url
    assert_page_basics(driver)
    assert email in body_text(driver)
    assert_accessible(driver)
    own_page = driver.current_url.split("?")[0]

    # Not public before confirmation and publication.
    client = HttpClient(base_url)
    assert title not in client.get("/anliegen").text

    link = _confirmation_link(server, email)
    # The link is absolute with the configured public address; the test server may listen elsewhere.
    driver.get(base_url + "/anliegen/" + link.split("/anliegen/", 1)[1])
    wait_for(driver, lambda d: "/anliegen/mein/" in d.current_url, "the resident's own page after confirming")
    assert_accessible(driver)

    # --- Staff publish, forward to the planning office and finish ----------------------------------------------
    staff = driver  # the same browser, now as staff on a desktop window
    staff.set_window_size(1280, 900)
    login(staff, base_url, STAFF)
    staff.get(base_url + "/verwaltung/anliegen?offen=1")
    assert_accessible(staff)
    staff.find_element(By.LINK_TEXT, title).click()
    wait_for(staff, lambda d: "/verwaltung/anliegen/" in d.current_url, "the concern's staff page")
    assert_page_basics(staff)
    assert_accessible(staff)
    assert staff.find_elements(By.CSS_SELECTOR, "img.concern-photo"), "the photo is shown to staff"
    submit(staff, find(staff, "form#publish"))
    _staff_step(staff, "forwarded", "Wir haben das an die Stadtplanung weitergegeben.", PLANNING_OFFICE)
    _staff_step(staff, "done", "Das Geländer ist angebracht.")
    assert "erledigt" in body_text(staff)
    assert_accessible(staff)
    staff.find_element(By.CSS_SELECTOR, "form#logout button").click()
    time.sleep(0.5)

    # --- The resident sees the timeline on her phone ------------------------------------------------------------
    driver.set_window_size(390, 844)
    driver.get(own_page)
    assert_page_basics(driver)
    text = body_text(driver)
    for expected in ("eingegangen", "veröffentlicht", "weitergeleitet", "Wir haben das an die Stadtplanung weitergegeben.",
                     "erledigt", "Das Geländer ist angebracht."):
        assert expected in text, f"{expected!r} missing on the resident's page"
    assert_accessible(driver)
    driver.find_element(By.PARTIAL_LINK_TEXT, "öffentlich").click()
    wait_for(driver, lambda d: re.search(r"/anliegen/[0-9A-Fa-f-]{36}$", d.current_url), "the public page")
    assert_page_basics(driver)
    assert PLANNING_OFFICE in body_text(driver)
    assert driver.find_elements(By.CSS_SELECTOR, "img.concern-photo")
    assert_accessible(driver)
    _no_sideways_scroll(driver)

    # The status e-mails went to her in German.
    with sqlite3.connect(server.log_path.parent / "demo.sqlite", timeout=10) as db:
        subjects = [s for (s,) in db.execute("SELECT subject FROM mail_outbox WHERE recipient = ?", (email,))]
    assert f"Neuer Stand: {title}" in subjects and subjects.count(f"Neuer Stand: {title}") == 2, subjects


def test_bad_input_is_refused(server):
    client = HttpClient(server.url)
    page = client.get("/anliegen/neu")
    assert page.status == 200
    response = client.submit("/anliegen/neu", "concern-form", {"title": "", "description": "x", "category": "wege"})
    assert response.status == 400
    assert "error-summary" in response.text
