"""Browser tests for the directory of actors (issue 3, "Akteure"): contact log, follow-ups, outreach list,
organisation and person detail pages.

Like test_portal.py: every page a test visits is checked with axe (WCAG 2.0/2.1, A and AA); status codes
go through `HttpClient`. All tests share the one demo server of the session, so each test makes its own
records unique (a random suffix) and compares counts before and after instead of relying on fixed numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from helpers import (
    ADMIN,
    STAFF,
    HttpClient,
    assert_accessible,
    assert_no_stack_trace,
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

UUID_PATH = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
DE_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")

# Demo data (`quartier demo`).
PERSON_BY_NAME = "Aylin Beispiel"
PERSON_BY_EMAIL = "m.probe@schule.example"
PERSON_BY_EMAIL_NAME = "Mariam Probe"
TENANTS_BOARD = "Mieterbeirat Stadtwald (Beispiel)"
HOUSING_COMPANY = "GeWoBau Beispiel eG"
NEVER_CONTACTED_ORG = "Kiosk am Hang (Beispiel)"

FOLLOW_UP_TILE = 'ul.tiles a[href="/verwaltung/wiedervorlagen"]'
OUTREACH_TILE = 'ul.tiles a[href^="/verwaltung/reichweite"]'


def _de(date: dt.date) -> str:
    return date.strftime("%d.%m.%Y")


def _parse_de(text: str) -> dt.date | None:
    m = DE_DATE.search(text)
    return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None


def _tile_count(driver, selector: str, label: str) -> int:
    """The number on a dashboard tile (`<span class="count">`), checking the tile's wording."""
    tiles = driver.find_elements(By.CSS_SELECTOR, selector)
    assert tiles, f"no dashboard tile {selector!r} on {driver.current_url}:\n{body_text(driver)[:1500]}"
    tile = tiles[0]
    assert label in text_content(tile), f"tile {selector!r} should read '… {label}', reads {text_content(tile)!r}"
    counts = tile.find_elements(By.CSS_SELECTOR, ".count")
    raw = text_content(counts[0]) if counts else text_content(tile)
    m = re.search(r"\d+", raw)
    assert m, f"no number on tile {selector!r}: {text_content(tile)!r}"
    return int(m.group(0))


def _open_dashboard(driver, base_url: str) -> None:
    driver.get(base_url + "/verwaltung")
    assert path_of(driver) == "/verwaltung", f"/verwaltung ended on {path_of(driver)}"
    assert_page_basics(driver)


def _table_rows(driver) -> list[tuple[str, str, str]]:
    """(link text, link path, the row's cells joined by " | ") of every body row of the page's table."""
    rows = []
    for tr in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
        links = tr.find_elements(By.CSS_SELECTOR, "a[href]")
        if not links:
            continue
        href = links[0].get_attribute("href") or ""
        cells = " | ".join(text_content(td) for td in tr.find_elements(By.CSS_SELECTOR, "td, th"))
        rows.append((text_content(links[0]), re.sub(r"^https?://[^/]+", "", href), cells))
    return rows


def _main_html(page: str) -> str:
    start = page.find("<main")
    end = page.find("</main>", start)
    return re.sub(r"\n\s*\n+", "\n", page[start:end + 7] if start >= 0 and end >= 0 else page[:800])


def _entry_count(driver) -> int | None:
    """The total from the pagination line "Seite 1 von 1 (8 Einträge)", if there is one."""
    m = re.search(r"\((\d+) Eintr", body_text(driver))
    return int(m.group(1)) if m else None


# ------------------------------------------------------------------------------------------------
# (a) staff logs a tenant assembly with two persons and a follow-up for today
# ------------------------------------------------------------------------------------------------

def test_staff_logs_tenant_assembly_and_finds_follow_up(driver, base_url):
    tag = uuid.uuid4().hex[:6]
    subject = f"Mieterversammlung Am Beispielhang 3 ({tag})"

    login(driver, base_url, STAFF)
    _open_dashboard(driver, base_url)
    due_before = _tile_count(driver, FOLLOW_UP_TILE, "fällige Wiedervorlagen")
    assert_accessible(driver)

    # The form.
    driver.get(base_url + "/verwaltung/kontakte/neu")
    assert_page_basics(driver)
    form = find(driver, "form#contact")
    for name in ("_csrf", "kind", "happened_on", "subject", "persons", "organisations", "topics",
                 "notes", "needs", "follow_up_on"):
        assert form.find_elements(By.NAME, name), f"form#contact has no field {name!r}"
    assert not exists(driver, ".error-summary"), "the fresh form must not show an error summary"
    kinds = [o.get_attribute("value") for o in Select(form.find_element(By.NAME, "kind")).options]
    for kind in ("visit", "call", "email", "meeting", "outreach"):
        assert kind in kinds, f"select[name=kind] lacks {kind!r}: {kinds}"
    happened = form.find_element(By.NAME, "happened_on")
    assert happened.get_attribute("type") == "date", "happened_on should be a date input"
    today_iso = happened.get_attribute("value") or ""
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", today_iso), f"happened_on is not prefilled with a date: {today_iso!r}"
    today = dt.date.fromisoformat(today_iso)
    assert abs((today - dt.date.today()).days) <= 1, f"happened_on is prefilled with {today}, not today"
    assert form.find_element(By.NAME, "follow_up_on").get_attribute("type") == "date"
    assert form.find_element(By.NAME, "subject").get_attribute("required") is not None, "subject must be required"
    assert_accessible(driver)

    Select(form.find_element(By.NAME, "kind")).select_by_value("meeting")
    fill(form, "subject", subject)
    fill(form, "persons", f"{PERSON_BY_NAME}\n{PERSON_BY_EMAIL}")
    fill(form, "organisations", f"{TENANTS_BOARD}\n{HOUSING_COMPANY}")
    fill(form, "topics", "Mieten und Nebenkosten, Hausordnung und Nachbarschaft")
    fill(form, "notes", "Rund 30 Mieterinnen und Mieter; Heizung in Haus 5 fällt häufig aus.")
    fill(form, "needs", "Sprechstunde der GeWoBau im Stadtteilbüro; Übersetzung ins Türkische.")
    # Date inputs take their value as ISO; typing would depend on the browser's locale.
    driver.execute_script("arguments[0].value = arguments[1];", form.find_element(By.NAME, "follow_up_on"), today_iso)
    submit(driver, form)

    # Confirmation on the contact's page.
    notice = wait_for_css(driver, ".notice")
    assert text_content(notice), ".notice is empty"
    assert notice.get_attribute("role") == "status", ".notice must have role=status"
    assert re.fullmatch(rf"/verwaltung/kontakte/{UUID_PATH}", path_of(driver)), \
        f"saving should redirect to the contact's page, is on {path_of(driver)}"
    assert_page_basics(driver)
    assert subject in text_content(find(driver, "h1")), f"h1 should be the subject, is {text_content(find(driver, 'h1'))!r}"
    page = body_text(driver)
    for expected in (PERSON_BY_NAME, PERSON_BY_EMAIL_NAME, TENANTS_BOARD, HOUSING_COMPANY, _de(today)):
        assert expected in page, f"contact page does not show {expected!r}:\n{page[:1500]}"
    contact_path = path_of(driver)
    assert_accessible(driver)

    # The person given by e-mail has the contact in her timeline.
    person_link = driver.find_elements(By.XPATH, f"//main//a[normalize-space()='{PERSON_BY_EMAIL_NAME}']")
    assert person_link, f"contact page has no link to {PERSON_BY_EMAIL_NAME!r}"
    person_link[0].click()
    wait_for(driver, lambda d: re.fullmatch(rf"/verwaltung/personen/{UUID_PATH}", path_of(d)),
             f"the person page of {PERSON_BY_EMAIL_NAME}")
    assert_page_basics(driver)
    assert PERSON_BY_EMAIL_NAME in text_content(find(driver, "h1"))
    timeline_links = [re.sub(r"^https?://[^/]+", "", a.get_attribute("href") or "")
                      for a in driver.find_elements(By.CSS_SELECTOR, "main a[href*='/verwaltung/kontakte/']")]
    assert contact_path in timeline_links, \
        f"{PERSON_BY_EMAIL_NAME}'s page does not link the new contact {contact_path}; contact links: {timeline_links}"
    assert_accessible(driver)

    # Dashboard: one more follow-up due.
    _open_dashboard(driver, base_url)
    due_after = _tile_count(driver, FOLLOW_UP_TILE, "fällige Wiedervorlagen")
    assert due_after == due_before + 1, \
        f"the 'fällige Wiedervorlagen' tile went from {due_before} to {due_after}, expected {due_before + 1}"
    assert_accessible(driver)

    # Follow-up list, reached from the tile.
    find(driver, FOLLOW_UP_TILE).click()
    wait_for(driver, lambda d: path_of(d) == "/verwaltung/wiedervorlagen", "the follow-up list /verwaltung/wiedervorlagen")
    assert_page_basics(driver)
    cards = [li for li in driver.find_elements(By.CSS_SELECTOR, "main li")
             if li.find_elements(By.CSS_SELECTOR, f"a[href='{contact_path}']")]
    assert cards, f"the new follow-up ({subject!r}) is not in /verwaltung/wiedervorlagen:\n{body_text(driver)[:2000]}"
    card_text = text_content(cards[0])
    assert _de(today) in card_text, f"follow-up entry should show {_de(today)}: {card_text!r}"
    assert "fällig" in card_text.lower(), f"a follow-up for today must be marked as due ('fällig'): {card_text!r}"
    assert PERSON_BY_NAME in card_text and PERSON_BY_EMAIL_NAME in card_text, \
        f"follow-up entry should name both persons: {card_text!r}"
    assert_accessible(driver)

    # Outreach list, reached from its dashboard tile.
    _open_dashboard(driver, base_url)
    outreach_tile_count = _tile_count(driver, OUTREACH_TILE, "ohne Kontakt")
    find(driver, OUTREACH_TILE).click()
    wait_for(driver, lambda d: path_of(d) == "/verwaltung/reichweite", "the outreach list /verwaltung/reichweite")
    assert_page_basics(driver)
    h1 = text_content(find(driver, "h1"))
    assert "Reichweite" in h1 and "6 Monat" in h1, f"outreach heading should name 'Reichweite' and 6 months: {h1!r}"
    rows = _table_rows(driver)
    names = [r[0] for r in rows]
    assert NEVER_CONTACTED_ORG in names, f"{NEVER_CONTACTED_ORG!r} (never contacted) missing from the outreach list: {names}"
    assert TENANTS_BOARD not in names and HOUSING_COMPANY not in names, \
        f"organisations contacted today must not be in the outreach list: {names}"
    never = [i for i, r in enumerate(rows) if "noch nie" in r[2]]
    assert never, f"no never-contacted ('noch nie') organisation in the outreach list: {rows}"
    dated = [(i, _parse_de(r[2])) for i, r in enumerate(rows) if "noch nie" not in r[2]]
    assert all(d is not None for _, d in dated), f"rows without 'noch nie' need a last-contact date: {rows}"
    if dated:
        assert max(never) < min(i for i, _ in dated), f"never-contacted organisations must come first: {rows}"
        dates = [d for _, d in dated]
        assert dates == sorted(dates), f"then the oldest contact first: {dates}"
        limit = today - dt.timedelta(days=6 * 28)
        assert all(d < limit for d in dates), f"contacts within the last 6 months must not be listed: {dates}"
    total = _entry_count(driver) or len(rows)
    assert total == outreach_tile_count, \
        f"dashboard tile says {outreach_tile_count} organisations without contact, the list has {total}"
    assert_accessible(driver)

    # A shorter period lists at least the same organisations.
    driver.get(base_url + "/verwaltung/reichweite?monate=1")
    assert_page_basics(driver)
    names_1 = {r[0] for r in _table_rows(driver)}
    assert set(names) <= names_1, f"monate=1 lacks organisations listed for 6 months: {set(names) - names_1}"
    assert "1 Monat" in text_content(find(driver, "h1")), f"heading should follow ?monate=1: {text_content(find(driver, 'h1'))!r}"
    assert_accessible(driver)

    # Marking the follow-up as done takes it off the list and the tile.
    driver.get(base_url + "/verwaltung/wiedervorlagen")
    done_forms = driver.find_elements(By.CSS_SELECTOR, f"form[action$='{contact_path.rsplit('/', 1)[1]}/erledigt']")
    assert done_forms, f"no 'Wiedervorlage erledigt' form for {contact_path} on /verwaltung/wiedervorlagen"
    submit(driver, done_forms[0])
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete", "page load")
    assert_page_basics(driver)
    assert_accessible(driver)
    driver.get(base_url + "/verwaltung/wiedervorlagen")
    assert not driver.find_elements(By.CSS_SELECTOR, f"main a[href='{contact_path}']"), \
        "the follow-up marked as done is still listed"
    _open_dashboard(driver, base_url)
    assert _tile_count(driver, FOLLOW_UP_TILE, "fällige Wiedervorlagen") == due_before, \
        "the tile count should be back where it was after marking the follow-up done"


# ------------------------------------------------------------------------------------------------
# (b) unknown person on the contact form
# ------------------------------------------------------------------------------------------------

def test_contact_with_unknown_person_is_rejected(driver, base_url):
    tag = uuid.uuid4().hex[:6]
    unknown = f"Zacharias Unbekannt{tag}"
    subject = f"Mieterversammlung abgelehnt ({tag})"

    client = HttpClient(base_url)
    client.login(STAFF)
    fresh = client.get("/verwaltung/kontakte/neu")
    assert fresh.status == 200, f"GET /verwaltung/kontakte/neu answered {fresh.status}"
    assert "error-summary" not in fresh.text, "the fresh contact form must not show an error summary"
    _, fields = client.form(fresh, "contact")
    r = client.submit("/verwaltung/kontakte/neu", "contact", {
        "kind": "visit",
        "subject": subject,
        "persons": f"{PERSON_BY_NAME}\n{unknown}",
        "follow_up_on": fields.get("happened_on", ""),
    })
    assert r.status == 400, f"a contact with an unknown person must answer 400, got {r.status} at {r.url}"
    assert "error-summary" in r.text, f"400 page has no .error-summary:\n{r.text[:1500]}"
    summary = r.text.split("error-summary", 1)[1][:2000]
    assert unknown in summary, f"the error summary should name {unknown!r}:\n{summary}"
    client.form(r, "contact")  # the form is shown again
    assert subject in r.text, "the entered subject must be kept"
    assert_no_stack_trace(r.text)
    # Nothing was written.
    assert subject not in client.get("/verwaltung/wiedervorlagen").text, \
        "the rejected contact's follow-up appears in /verwaltung/wiedervorlagen"

    # The same in the browser.
    login(driver, base_url, STAFF)
    driver.get(base_url + "/verwaltung/kontakte/neu")
    assert_page_basics(driver)
    form = find(driver, "form#contact")
    fill(form, "subject", subject)
    fill(form, "persons", f"{unknown}\n{PERSON_BY_EMAIL}")
    submit(driver, form)
    summary_el = wait_for_css(driver, ".error-summary")
    assert summary_el.get_attribute("role") == "alert", ".error-summary must have role=alert"
    assert unknown in text_content(summary_el), \
        f".error-summary should name {unknown!r}: {text_content(summary_el)!r}"
    form = find(driver, "form#contact")
    assert form.find_element(By.NAME, "subject").get_attribute("value") == subject, "subject was not kept"
    assert unknown in (form.find_element(By.NAME, "persons").get_attribute("value") or ""), \
        "the persons field should keep what was entered"
    assert_page_basics(driver)
    assert_accessible(driver)


# ------------------------------------------------------------------------------------------------
# (c) admin and staff open detail pages from the lists
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("email", [ADMIN, STAFF], ids=["admin", "staff"])
def test_open_organisation_and_person_from_lists(driver, base_url, email):
    login(driver, base_url, email)

    # Organisations: list, filter, detail.
    driver.get(base_url + "/verwaltung/organisationen")
    assert_page_basics(driver)
    names = [r[0] for r in _table_rows(driver)]
    for expected in (NEVER_CONTACTED_ORG, TENANTS_BOARD, HOUSING_COMPANY):
        assert expected in names, f"{expected!r} missing from /verwaltung/organisationen: {names}"
    assert_accessible(driver)

    driver.find_element(By.LINK_TEXT, NEVER_CONTACTED_ORG).click()
    wait_for(driver, lambda d: re.fullmatch(rf"/verwaltung/organisationen/{UUID_PATH}", path_of(d)),
             f"the detail page of {NEVER_CONTACTED_ORG}")
    assert_page_basics(driver)
    assert NEVER_CONTACTED_ORG in text_content(find(driver, "h1")), \
        f"h1 should be {NEVER_CONTACTED_ORG!r}, is {text_content(find(driver, 'h1'))!r}"
    assert "noch nie" in body_text(driver), "a never-contacted organisation should say 'noch nie' (last contact)"
    assert_accessible(driver)

    # Persons: list, detail.
    driver.get(base_url + "/verwaltung/personen")
    assert_page_basics(driver)
    rows = _table_rows(driver)
    listed = [r[0] for r in rows]
    assert "Probe, Mariam" in listed, f"'Probe, Mariam' missing from /verwaltung/personen: {listed}"
    assert_accessible(driver)

    driver.find_element(By.LINK_TEXT, "Probe, Mariam").click()
    wait_for(driver, lambda d: re.fullmatch(rf"/verwaltung/personen/{UUID_PATH}", path_of(d)),
             "the detail page of Mariam Probe")
    assert_page_basics(driver)
    assert PERSON_BY_EMAIL_NAME in text_content(find(driver, "h1")), \
        f"h1 should be {PERSON_BY_EMAIL_NAME!r}, is {text_content(find(driver, 'h1'))!r}"
    page = body_text(driver)
    assert PERSON_BY_EMAIL in page, f"person page should show the e-mail {PERSON_BY_EMAIL!r}"
    assert "Grundschule am Stadtwald (Beispiel)" in page, "person page should show her function's organisation"
    assert exists(driver, "main a[href$='/vcard']"), "person page should offer the vCard download"
    assert_accessible(driver)


# ------------------------------------------------------------------------------------------------
# (d) the filter forms of the lists, submitted as a browser submits them (all fields, empty ones too)
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, query, expected, absent", [
    ("/verwaltung/organisationen", "Kiosk", NEVER_CONTACTED_ORG, HOUSING_COMPANY),
    ("/verwaltung/personen", "Probe", "Probe, Mariam", "Beispiel, Aylin"),
], ids=["organisationen", "personen"])
def test_list_filter_form(driver, base_url, path, query, expected, absent):
    login(driver, base_url, STAFF)
    driver.get(base_url + path)
    assert_page_basics(driver)
    form = find(driver, "main form[method=get]")
    fill(form, "q", query)
    submit(driver, form)
    wait_for(driver, lambda d: f"q={query}" in d.current_url, f"the filtered list (?q={query})")
    submitted = driver.current_url
    status = HttpClient(base_url)
    status.login(STAFF)
    r = status.get(submitted)
    if r.status != 200:
        pytest.fail(
            f"the filter form of {path}, submitted unchanged except q={query!r}, answers {r.status} at {submitted}"
            f" (empty fields must count as 'no filter'):\n{_main_html(r.text)}",
            pytrace=False,
        )
    assert_page_basics(driver)
    names = [row[0] for row in _table_rows(driver)]
    assert expected in names and absent not in names, f"q={query} on {path} lists {names}"
    assert_accessible(driver)
