"""Browser test of the Zukunftswerkstatt workspace (issue 5, item 6).

A facilitator plans a new event of the format Zukunftswerkstatt, starts its workspace, writes cards in the critique
phase, groups two into a cluster, enters the dots of the dot vote, lets a participant send a card from a phone-sized
window through the short link (it waits for approval), moves on to the utopia phase and the realisation phase, writes
a project sketch with one step, and prints the documentation (print stylesheet and Chromium's PDF). axe checks every
page on the way. The demo's own workshop is only read, so that nothing other tests expect changes."""

from __future__ import annotations

import base64
import re
import uuid
import zlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
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
    text_content,
    wait_for,
    wait_for_css,
)

UUID_PATH = re.compile(r"^/verwaltung/veranstaltungen/([0-9A-Fa-f-]{36})$")


def _set_value(driver, field, value: str) -> None:
    # Date and time inputs depend on the browser's locale when typed into; set the ISO value directly.
    driver.execute_script("arguments[0].value = arguments[1];", field, value)


def _submit_expecting_notice(driver, form, expected: str) -> str:
    submit(driver, form)
    wait_for(driver, lambda d: exists(d, ".notice") or exists(d, ".error-summary"),
             f"a notice containing {expected!r} (or an error summary)")
    if exists(driver, ".error-summary"):
        pytest.fail(f"form was rejected on {driver.current_url}: {text_content(find(driver, '.error-summary'))}", pytrace=False)
    notice = text_content(find(driver, ".notice"))
    assert expected in notice, f"notice {notice!r} does not contain {expected!r}"
    return notice


def _add_card(driver, phase: str, text: str) -> None:
    form = find(driver, f"form#card-{phase}")
    fill(form, "text", text)
    _submit_expecting_notice(driver, form, "Die Karte wurde gespeichert.")


def _row_for(driver, form, label: str):
    for row in form.find_elements(By.CSS_SELECTOR, "tbody tr"):
        if label in text_content(row.find_element(By.CSS_SELECTOR, "th")):
            return row
    pytest.fail(f"no row for {label!r} in form#{form.get_attribute('id')}", pytrace=False)


def _ranking(driver, section_id: str) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, f"#{section_id} table.ranking tbody tr")
    return [" ".join(" ".join(text_content(cell).split()) for cell in row.find_elements(By.TAG_NAME, "td")) for row in rows]


def _click_expecting_notice(driver, button, expected: str) -> None:
    """Click a submit button of a form with several and wait for the next page's notice."""
    button.click()
    wait_for(driver, lambda d: _gone(button), "the page to change after clicking a button")
    wait_for(driver, lambda d: exists(d, ".notice") or exists(d, ".error-summary"), f"a notice containing {expected!r}")
    if exists(driver, ".error-summary"):
        pytest.fail(f"refused on {driver.current_url}: {text_content(find(driver, '.error-summary'))}", pytrace=False)
    assert expected in text_content(find(driver, ".notice"))


def _gone(element) -> bool:
    try:
        element.is_enabled()
        return False
    except Exception:  # stale, or of a document that is gone
        return True


def _pdf_texts(pdf: bytes) -> str:
    """The text of a PDF as Chromium writes it, without white space: each content stream's glyph strings decoded
    with every ToUnicode map in the file (the font subsets' glyph numbers overlap, so each map gives one reading;
    the right one contains the words)."""
    streams = []
    for m in re.finditer(rb"<<(.*?)>>\s*stream\r?\n", pdf, re.S):
        data = pdf[m.end():pdf.find(b"endstream", m.end())].rstrip(b"\r\n")
        if b"FlateDecode" in m.group(1):
            try:
                data = zlib.decompress(data)
            except zlib.error:
                continue
        streams.append(data)
    maps = []
    for s in streams:
        if b"begincmap" not in s:
            continue
        table = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", s, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", s, re.S):
            for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    table[code] = chr(int(dst, 16) + offset)
        maps.append(table)
    readings = []
    for s in streams:
        if b"begincmap" in s:
            continue
        runs = re.findall(rb"\[(.*?)\]\s*TJ|<([0-9A-Fa-f]+)>\s*Tj", s, re.S)
        for table in maps:
            text = ""
            for array, single in runs:
                for h in (re.findall(rb"<([0-9A-Fa-f]+)>", array) if array else [single]):
                    h = h.decode()
                    text += "".join(table.get(int(h[i:i + 4], 16), "\ufffd") for i in range(0, len(h), 4))
            readings.append(text)
    return "".join("".join(r.split()) for r in readings)


def _pdf_title(pdf: bytes) -> str:
    m = re.search(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", pdf)
    return bytes.fromhex(m.group(1).decode()).decode("utf-16-be") if m else ""


def test_facilitator_runs_a_small_workshop_and_prints_the_documentation(driver, base_url):
    tag = uuid.uuid4().hex[:6]
    title = f"Zukunftswerkstatt Hinterhof {tag}"
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    critique = [f"Die Mülltonnen stehen mitten im Hof {tag}", f"Es gibt keinen Platz zum Sitzen {tag}",
                f"Der Hof ist abends dunkel {tag}"]
    utopia = [f"Ein Hofgarten mit Hochbeeten {tag}", f"Eine lange Tafel für Hoffeste {tag}"]
    cluster = f"Aufenthalt im Hof {tag}"
    participant_card = f"Eine Tischtennisplatte wäre schön {tag}"
    sketch = f"Hochbeete im Hinterhof {tag}"
    step = f"Hausverwaltung um Erlaubnis fragen {tag}"
    late_card = f"Noch eine Idee zum Schluss {tag}"

    # The facilitator plans the event (format Zukunftswerkstatt) through the staff pages.
    login(driver, base_url, STAFF)
    driver.get(base_url + "/verwaltung/veranstaltungen/neu")
    form = wait_for_css(driver, "form#event")
    fill(form, "title", title)
    Select(form.find_element(By.NAME, "format")).select_by_value("future-workshop")
    _set_value(driver, form.find_element(By.NAME, "date"), today.isoformat())
    _set_value(driver, form.find_element(By.NAME, "start"), "10:00")
    _set_value(driver, form.find_element(By.NAME, "end"), "16:00")
    fill(form, "place", "Hinterhof Musterweg 44")
    submit(driver, form)
    wait_for(driver, lambda d: UUID_PATH.match(path_of(d)), "the new event's page")
    event_id = UUID_PATH.match(path_of(driver)).group(1)
    workshop_path = f"/verwaltung/veranstaltungen/{event_id}/werkstatt"
    links = driver.find_elements(By.CSS_SELECTOR, f"main a[href='{workshop_path}']")
    if links:
        links[0].click()
    else:  # the event page may not link to the workspace yet
        driver.get(base_url + workshop_path)

    # Start the workspace: phase 1, critique, with a short code for the projector.
    start = wait_for_css(driver, "form#start")
    assert_page_basics(driver)
    assert_accessible(driver)
    _submit_expecting_notice(driver, start, "Phase 1, Kritik")
    code = text_content(find(driver, ".short-code strong")).replace(" ", "")
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", code), f"short code {code!r}"
    short_link = text_content(find(driver, ".short-link"))
    assert short_link == f"{base_url}/w/{code}", short_link
    assert "(aktuelle Phase)" in text_content(find(driver, ".phase-steps li[aria-current='step']"))
    assert_accessible(driver)

    # Critique: three cards, a cluster for two of them, the dots of the dot vote.
    for text in critique:
        _add_card(driver, "critique", text)
    form = find(driver, "form#cluster-critique")
    fill(form, "heading", cluster)
    _submit_expecting_notice(driver, form, cluster)
    form = find(driver, "form#arrange-critique")
    for text, dots in zip(critique, ("5", "3", "5")):
        row = _row_for(driver, form, text)
        if text != critique[2]:
            Select(row.find_element(By.CSS_SELECTOR, "select")).select_by_visible_text(cluster)
        fill(row, row.find_element(By.CSS_SELECTOR, "input[type=number]").get_attribute("name"), dots)
    fill(form, _row_for(driver, form, cluster).find_element(By.CSS_SELECTOR, "input").get_attribute("name"), "2")
    _submit_expecting_notice(driver, form, "Zuordnung und Punkte der Phase Kritik")
    clustered = [text_content(li) for li in driver.find_elements(By.CSS_SELECTOR, "#phase-critique .cluster .wall li")]
    assert any(critique[0] in c for c in clustered) and any(critique[1] in c for c in clustered), clustered
    assert _ranking(driver, "phase-critique") == [
        f"1. (gleichauf) {critique[0]} 5",
        f"1. (gleichauf) {critique[2]} 5",
        f"3. {critique[1]} 3",
        f"4. Cluster {cluster} 2",
    ]
    assert_accessible(driver)

    # A participant sends a card from a phone-sized window through the short link, without an account.
    driver.set_window_size(390, 844)
    driver.get(short_link)
    form = wait_for_css(driver, "form#participate")
    assert_page_basics(driver)
    assert title in text_content(find(driver, "h1"))
    assert "Phase 1 von 3: Kritik" in body_text(driver)
    assert_accessible(driver)
    fill(form, "text", participant_card)
    _submit_expecting_notice(driver, form, "wartet auf die Freigabe")
    assert_accessible(driver)
    driver.set_window_size(1280, 900)

    # The card waits for the facilitator; she approves it.
    driver.get(base_url + workshop_path)
    pending = wait_for_css(driver, "#eingang .card")
    assert participant_card in text_content(pending)
    assert participant_card not in text_content(find(driver, "#phase-critique"))
    _click_expecting_notice(driver, pending.find_element(By.CSS_SELECTOR, "button[value='approve']"), "freigegeben")
    assert participant_card in text_content(find(driver, "#phase-critique"))

    # Utopia: skipping to realisation is not offered; forward one step, two cards, dots.
    buttons = [b.get_attribute("value") for b in driver.find_elements(By.CSS_SELECTOR, "form#phase button")]
    assert buttons == ["fantasy"], buttons
    _click_expecting_notice(driver, find(driver, "form#phase button[value='fantasy']"), "Utopie")
    for text in utopia:
        _add_card(driver, "fantasy", text)
    form = find(driver, "form#arrange-fantasy")
    fill(form, _row_for(driver, form, utopia[0]).find_element(By.CSS_SELECTOR, "input").get_attribute("name"), "7")
    fill(form, _row_for(driver, form, utopia[1]).find_element(By.CSS_SELECTOR, "input").get_attribute("name"), "4")
    _submit_expecting_notice(driver, form, "Utopie")
    assert _ranking(driver, "phase-fantasy") == [f"1. {utopia[0]} 7", f"2. {utopia[1]} 4"]

    # Realisation: a project sketch with one step (who does what by when).
    assert not exists(driver, "form#sketch"), "no project sketches before the realisation phase"
    _click_expecting_notice(driver, find(driver, "form#phase button[value='realisation']"), "Verwirklichung")
    form = find(driver, "form#sketch")
    fill(form, "title", sketch)
    fill(form, "description", "Vier Hochbeete an der Südwand, gepflegt von den Familien im Haus.")
    _submit_expecting_notice(driver, form, sketch)
    form = find(driver, "form#step-1")
    fill(form, "what", step)
    fill(form, "who", "Mieterbeirat (Frau Beispiel)")
    _set_value(driver, form.find_element(By.NAME, "due_on"), "2027-03-31")
    _submit_expecting_notice(driver, form, sketch)
    assert step in text_content(find(driver, "#projektskizzen table"))
    assert_page_basics(driver)
    assert_accessible(driver)

    # The documentation: every phase, the cluster, the rankings, the sketch; printable.
    driver.find_element(By.LINK_TEXT, "Dokumentation (druckbar)").click()
    wait_for(driver, lambda d: path_of(d).endswith("/werkstatt/dokumentation"), "the documentation page")
    assert_page_basics(driver)
    text = body_text(driver)
    for expected in [*critique, *utopia, cluster, participant_card, sketch, step, "Phase 1: Kritik", "Phase 2: Utopie (Phantasie)",
                     "Phase 3: Verwirklichung", "31.03.2027", "Rangfolge nach Punkten"]:
        assert expected in text, f"{expected!r} missing from the documentation"
    assert not driver.find_elements(By.CSS_SELECTOR, "main form"), "the documentation has no forms"
    assert_accessible(driver)

    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script(
            "return ['.main-nav', '.backoffice-nav', '.site-footer nav', '.no-print']"
            ".map(s => document.querySelector(s)).filter(e => e && getComputedStyle(e).display !== 'none').map(e => e.className);")
        assert hidden == [], f"visible in print: {hidden}"
        assert driver.execute_script("return getComputedStyle(document.querySelector('.sketch')).display") != "none"
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True})["data"])
    assert pdf.startswith(b"%PDF-"), pdf[:16]
    assert title in _pdf_title(pdf), _pdf_title(pdf)
    words = _pdf_texts(pdf)
    for expected in ["Projektskizzen", "Rangfolge nach Punkten", f"Hochbeete im Hinterhof {tag}", f"Aufenthalt im Hof {tag}"]:
        assert "".join(expected.split()) in words, f"{expected!r} not found in the printed PDF"

    # Once the event is published, residents read the documentation without an account; a card that still waits
    # for approval is not in it.
    resident = HttpClient(base_url)
    assert resident.submit(f"/w/{code}", "participate", {"text": late_card}).status == 200
    public_path = f"/veranstaltungen/{event_id}/werkstatt"
    assert resident.get(public_path).status == 404, "the documentation of a draft event is not public"
    driver.get(base_url + f"/verwaltung/veranstaltungen/{event_id}")
    _click_expecting_notice(driver, find(driver, "main form button[name='state'][value='published']"), "")
    public = resident.get(public_path)
    assert public.status == 200
    for expected in [sketch, step, cluster, participant_card, critique[0]]:
        assert expected in public.text, f"{expected!r} missing from the public documentation"
    assert late_card not in public.text, "a card waiting for approval is not public"


def test_unknown_or_closed_code(base_url):
    """Without an account: an unknown code is a clear 404 in German; the demo workshop is over and takes no cards."""
    resident = HttpClient(base_url)
    unknown = resident.get("/w/ZZZZZZ")
    assert unknown.status == 404
    assert "Zu diesem Code gibt es keine offene Zukunftswerkstatt" in unknown.text
    closed = resident.get("/w?code=sp4-hng")
    assert closed.path == "/w/SP4HNG" and closed.status == 404
    typo = resident.get("/w?code=12")
    assert typo.status == 400 and "Ein Code hat sechs Zeichen" in typo.text
