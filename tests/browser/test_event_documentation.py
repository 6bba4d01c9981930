"""Browser tests for the documentation of a past event (issue 5, item 5).

A resident opens the documentation of the demo tenant assembly: protocol, results, the structured protocol
and the demo photo with its text for screen readers, accessible and printable. The manager adds a photo and a
follow-up on the staff page (a bad date is refused first) and both appear on the public page."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import date, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

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
    wait_for_css,
)

ASSEMBLY = "Mieterversammlung Musterweg 40–48 (Beispiel)"
DEMO_ALT = "Gezeichnetes Beispielbild: ein gelbes Wohnhaus mit rotem Dach unter blauem Himmel auf grüner Wiese."


def _assembly_path(base_url: str) -> str:
    """/veranstaltungen/<id> of the demo tenant assembly, from the public list of past events."""
    page = HttpClient(base_url).get("/veranstaltungen?zeitraum=vergangen")
    assert page.status == 200, f"the list of past events answered {page.status}"
    match = re.search(r'href="(/veranstaltungen/[0-9A-Fa-f-]{36})"[^>]*>\s*' + re.escape(ASSEMBLY), page.text)
    assert match, "the demo tenant assembly is listed among the past events"
    return match.group(1)


def _png(width: int = 12, height: int = 8) -> bytes:
    raw = b"".join(b"\x00" + bytes([40, 120, 200]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_resident_reads_the_tenant_assembly_documentation(driver, base_url):
    path = _assembly_path(base_url) + "/dokumentation"
    driver.get(base_url + path)
    assert_page_basics(driver)
    heading = find(driver, "h1").text
    assert heading == f"Dokumentation: {ASSEMBLY}"
    text = body_text(driver)
    for expected in ("Ergebnisse", "Angesprochene Themen", "Schimmel in mehreren Kellerräumen", "Zusagen", "GeWoBau Beispiel eG",
                     "Mieterbeirat Stadtwald (Beispiel)", "Aylin Beispiel"):
        assert expected in text, f"{expected!r} on the documentation page"
    image = find(driver, ".photo-list img")
    assert image.get_attribute("alt") == DEMO_ALT
    # The generated PNG decodes in the browser (under load it may still be arriving: wait for it).
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    assert driver.execute_script("return arguments[0].naturalWidth", image) == 96
    assert_accessible(driver)

    # Printed: no navigation, no forms, the photo stays.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert driver.execute_script("return getComputedStyle(document.querySelector('.main-nav')).display") == "none"
        assert image.is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_manager_adds_a_photo_and_a_follow_up(driver, base_url, tmp_path):
    event_path = _assembly_path(base_url)
    login(driver, base_url, STAFF)
    driver.get(base_url + "/verwaltung" + event_path + "/dokumentation")
    wait_for_css(driver, "form#protocol-entry")
    assert_accessible(driver)

    # A photo without a description is refused; with one it is added.
    photo = tmp_path / "hof.png"
    photo.write_bytes(_png())
    form = find(driver, "form#photo-upload")
    find(form, "input[type=file]").send_keys(str(photo))
    submit(driver, form)
    summary = wait_for_css(driver, ".error-summary")
    assert "Bitte beschreiben Sie, was auf dem Foto zu sehen ist." in summary.text
    assert_accessible(driver)
    form = find(driver, "form#photo-upload")
    find(form, "input[type=file]").send_keys(str(photo))
    fill(form, "alt", "Der Innenhof von Haus 44 mit den Mülltonnen")
    submit(driver, form)
    wait_for_css(driver, ".notice")

    # A follow-up with an impossible date is refused, then saved.
    form = find(driver, "form#protocol-entry")
    find(form, "#kind-follow-up").click()
    fill(form, "text", "Termin mit der Hausverwaltung zum Innenhof")
    fill(form, "party", "Mieterbeirat Stadtwald (Beispiel)")
    driver.execute_script("arguments[0].type = 'text'", find(form, "#entry-due"))
    fill(form, "due_on", "31.02.2031")
    submit(driver, form)
    summary = wait_for_css(driver, ".error-summary")
    assert "„31.02.2031“ ist kein gültiges Datum" in summary.text
    form = find(driver, "form#protocol-entry")
    assert find(form, "#entry-text").get_attribute("value") == "Termin mit der Hausverwaltung zum Innenhof"
    due = date.today() + timedelta(days=20)
    driver.execute_script("arguments[0].type = 'text'", find(form, "#entry-due"))
    fill(form, "due_on", due.strftime("%d.%m.%Y"))
    submit(driver, form)
    wait_for_css(driver, ".notice")
    assert "Termin mit der Hausverwaltung zum Innenhof" in body_text(driver)

    driver.get(base_url + event_path + "/dokumentation")
    assert driver.find_elements(By.CSS_SELECTOR, "img[alt='Der Innenhof von Haus 44 mit den Mülltonnen']")
    row = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table.follow-ups tbody tr") if "Innenhof" in r.text]
    assert row and due.strftime("%d.%m.%Y") in row[0] and "Mieterbeirat Stadtwald (Beispiel)" in row[0]
    assert_accessible(driver)
