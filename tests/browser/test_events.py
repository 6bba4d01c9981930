"""Browser tests for events, the public calendar and registration (issue 5, items 1–4).

1. A resident registers for a new Mieterversammlung on a phone-sized window, lands on her personal page and cancels
   through it; a second resident beyond the capacity waits and moves up when the first cancels (mails in the outbox).
2. The public calendar: drafts stay invisible (list, filters, month view, feed, direct address), the cancelled demo
   workshop is marked as cancelled, list and month view are accessible.
3. Interop: the event's `.ics` and the feed parse with Python's `icalendar`; after an edit the UID stays and SEQUENCE
   goes up by one, after cancelling STATUS:CANCELLED and SEQUENCE up again.
4. Staff register somebody who calls, check her in at the door and count a walk-in; the participation total follows.
5. The pages used on a phone (event page, personal page, calendar, door) do not scroll sideways at 390 CSS px.

The session's server is shared with the other test files: the demo events are only read; everything that changes is
done on events these tests create themselves (each title carries a random tag)."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from helpers import (
    ADMIN,
    STAFF,
    HttpClient,
    assert_accessible,
    assert_page_basics,
    body_text,
    exists,
    fill,
    find,
    login,
    logout,
    path_of,
    submit,
    text_content,
    wait_for,
    wait_for_css,
)

BERLIN = ZoneInfo("Europe/Berlin")
STAFF_EVENT_PATH = re.compile(r"^/verwaltung/veranstaltungen/([0-9A-Fa-f-]{36})$")
TICKET_PATH = re.compile(r"^/anmeldung/([A-Za-z0-9_-]{20,64})$")

# The demo events (Sources/App/Features/Demo/DemoData+Events.swift).
EVENING = "Infoabend Mietrecht und Nebenkosten (Beispiel)"
FESTIVAL = "Stadtteilfest am Hang (Beispiel)"
CANCELLED = "Workshop Balkonkraftwerke (Beispiel, abgesagt)"
DRAFT = "Bewohnerversammlung Frühjahr (Entwurf, Beispiel)"
ASSEMBLY = "Mieterversammlung Musterweg 40–48 (Beispiel)"
FUTURE_WORKSHOP = "Zukunftswerkstatt Spielplatz am Hang (Beispiel)"
CANCELLED_NOTICE = "Diese Veranstaltung ist abgesagt."


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------

def _berlin_today() -> date:
    return datetime.now(BERLIN).date()


def _de(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _set_value(driver, field, value: str) -> None:
    # Typing into <input type=date/time> depends on the browser's locale; set the ISO value directly.
    driver.execute_script("arguments[0].value = arguments[1];", field, value)


def _check(form, field_id: str, on: bool = True) -> None:
    box = find(form, f"#{field_id}")
    if box.is_selected() != on:
        find(form, f"label[for={field_id}]").click()
    assert box.is_selected() == on, f"checkbox #{field_id} should be {'on' if on else 'off'}"


def _form_errors(driver) -> str | None:
    """The text of a form's error summary (role=alert), if the page shows one.

    The cancelled-event notice reuses the class .error-summary (with role=status), so look for role=alert."""
    summaries = driver.find_elements(By.CSS_SELECTOR, ".error-summary[role=alert]")
    return text_content(summaries[0]) if summaries else None


def _submit_expecting_notice(driver, form, expected: str) -> str:
    """Submit, wait for the next page and return its notice; fail with the page's error summary if there is one."""
    submit(driver, form)
    wait_for(driver, lambda d: exists(d, ".notice") or _form_errors(d) is not None,
             f"a notice containing {expected!r} (or an error summary)")
    errors = _form_errors(driver)
    if errors is not None:
        pytest.fail(f"form was rejected on {driver.current_url}: {errors}", pytrace=False)
    notice = text_content(find(driver, ".notice"))
    assert expected in notice, f"notice {notice!r} does not contain {expected!r}"
    return notice


def _click_expecting_notice(driver, button, expected: str) -> str:
    """Click a submit button (not the form's first one) and wait for the notice of the next page."""
    old = find(driver, "main")
    label = text_content(button)
    button.click()
    wait_for(driver, lambda d: _stale(old), f"the page to change after clicking {label!r}")
    notice = wait_for_css(driver, ".notice")
    assert expected in text_content(notice), f"notice {text_content(notice)!r} does not contain {expected!r}"
    return text_content(notice)


def _stale(element) -> bool:
    try:
        element.is_enabled()
        return False
    except Exception:  # stale, or "does not belong to the document"
        return True


def _create_event(driver, base_url: str, *, title: str, fmt: str, day: date, place: str, start: str = "18:00",
                  end: str = "20:00", description: str = "", capacity: int | None = None, registration: bool = False,
                  asks: tuple[str, ...] = (), access: tuple[str, ...] = (), publish: bool = True) -> str:
    """Plans an event through the staff form (already logged in as staff); returns its id."""
    driver.get(base_url + "/verwaltung/veranstaltungen/neu")
    form = wait_for_css(driver, "form#event")
    fill(form, "title", title)
    Select(find(form, "#format")).select_by_value(fmt)
    fill(form, "description", description)
    _set_value(driver, find(form, "#date"), day.isoformat())
    _set_value(driver, find(form, "#start"), start)
    _set_value(driver, find(form, "#end"), end)
    fill(form, "place", place)
    fill(form, "organisers", "Mieterbeirat Stadtwald (Beispiel), Quartiersmanagement")
    for name in access:
        _check(form, name)
    if registration:
        _check(form, "registration")
        if capacity is not None:
            fill(form, "capacity", str(capacity))
        for ask in asks:
            _check(form, f"ask_{ask}")
    _submit_expecting_notice(driver, form, f"„{title}“ ist gespeichert.")
    match = STAFF_EVENT_PATH.match(path_of(driver))
    assert match, f"after saving the new event the browser is on {path_of(driver)}"
    event_id = match.group(1)
    assert "Entwurf" in text_content(find(driver, "main .badge")), "a new event starts as a draft"
    if publish:
        _click_expecting_notice(driver, find(driver, "button[name=state][value=published]"),
                                "Die Veranstaltung ist jetzt: veröffentlicht.")
    return event_id


# The elements that stick out on the right of the window (for the failure message).
_OVERFLOWING = """
var width = document.documentElement.clientWidth, out = [];
document.querySelectorAll('body *').forEach(function (e) {
  var r = e.getBoundingClientRect();
  if (r.width > 0 && r.right > width + 0.5) {
    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).trim().replace(/ +/g, '.') : '')
             + ' (right edge ' + Math.round(r.right) + 'px): ' + (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60));
  }
});
return out.slice(0, 8);
"""


def _sideways_scrolling(driver, what: str) -> str | None:
    """WCAG 1.4.10 (reflow): in a 390 CSS px window nothing may stick out (a data table in its own scroll box may).

    Returns a description of the problem, or None, so that a test can look at several pages before it fails."""
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow <= 0:
        return None
    culprits = driver.execute_script(_OVERFLOWING)
    return (f"{what} ({path_of(driver)}) scrolls sideways by {overflow}px in a 390px wide window; sticking out:\n    "
            + "\n    ".join(culprits))


def path_of_url(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def _ticket_status(driver) -> str:
    return text_content(find(driver, ".ticket-status"))


def _outbox(base_url: str) -> list[tuple[str, str]]:
    """(recipient, subject) of the newest mails in the outbox, as the admin sees them."""
    admin = HttpClient(base_url)
    admin.login(ADMIN)
    page = admin.get("/verwaltung/admin/postausgang")
    assert page.status == 200, f"the outbox answered {page.status}"
    rows = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", page.text)
    return [(html.unescape(r).strip(), html.unescape(s).strip()) for r, s in rows]


def _fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def _calendar(url: str) -> icalendar.Calendar:
    status, headers, body = _fetch(url)
    assert status == 200, f"GET {url} answered {status}"
    assert headers.get("content-type", "").startswith("text/calendar"), f"{url}: Content-Type {headers.get('content-type')!r}"
    return icalendar.Calendar.from_ical(body)


def _vevents(cal: icalendar.Calendar) -> dict[str, icalendar.cal.Component]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _uid(event_id: str) -> str:
    return f"event-{event_id.lower()}@quartier"


# ------------------------------------------------------------------------------------------------
# 1. A resident registers on her phone, a second one waits and moves up when the first cancels
# ------------------------------------------------------------------------------------------------

def test_resident_registers_on_a_phone_and_cancels_through_her_link(driver, base_url):
    tag = uuid.uuid4().hex[:6]
    title = f"Mieterversammlung Hangweg 3–7 ({tag})"
    place = "Nachbarschaftstreff, Hangweg 5"
    day = _berlin_today() + timedelta(days=16)
    first_name, first_mail = "Hülya Probewohnerin", f"huelya.{tag}@beispiel.example"
    second_name, second_mail = "Karl Nachrücker", f"karl.{tag}@beispiel.example"

    # --- Staff plan the assembly: registration, 2 places, childcare and language asked ------------------------
    login(driver, base_url, STAFF)
    event_id = _create_event(
        driver, base_url, title=title, fmt="tenant-assembly", day=day, place=place, start="18:30", end="20:30",
        description="Die Hausverwaltung berichtet über die Heizung. Fragen sind willkommen.",
        registration=True, capacity=2, asks=("childcare", "language"), access=("step_free", "childcare"))
    logout(driver)
    driver.delete_all_cookies()  # an anonymous resident with a fresh cookie jar
    public_path = f"/veranstaltungen/{event_id}"

    driver.set_window_size(390, 844)
    try:
        width = driver.execute_script("return window.innerWidth")
        assert width <= 420, f"the phone-sized window is {width}px wide"

        # --- The resident opens the event page on her phone -------------------------------------------------
        driver.get(base_url + public_path)
        assert_page_basics(driver)
        assert text_content(find(driver, "h1")) == title
        text = body_text(driver)
        for expected in ("Mieterversammlung", place, _de(day), "18:30", "Stufenloser Zugang", "Kinderbetreuung", "Noch 2 "):
            assert expected in text, f"{expected!r} missing on the public event page:\n{text[:1500]}"
        ics_link = driver.find_element(By.LINK_TEXT, "Termin in den Kalender (.ics)")
        assert path_of_url(ics_link.get_attribute("href")) == public_path + "/termin.ics"
        form = find(driver, "form#register")
        for selector in ("#name", "#email", "#phone", "#people", "#childcare", "#language", "#consent"):
            assert exists(form, selector), f"form#register has no {selector}"
        assert not exists(form, "#accessibility"), "the accessibility question was not asked for this event"
        assert not find(form, "#website").is_displayed(), "the honeypot field must not be visible"
        assert_accessible(driver)

        # Without consent the form comes back with an error and keeps what she typed.
        fill(form, "name", first_name)
        fill(form, "email", first_mail)
        fill(form, "phone", "0151 2345678")
        fill(form, "people", "2")
        _check(form, "childcare")
        fill(form, "language", "Türkisch")
        submit(driver, form)
        wait_for(driver, lambda d: _form_errors(d) is not None, "the error summary for the missing consent")
        assert "Bitte stimmen Sie der Speicherung" in _form_errors(driver), _form_errors(driver)
        form = find(driver, "form#register")
        assert find(form, "#name").get_attribute("value") == first_name, "the name is kept after the error"
        assert find(form, "#email").get_attribute("value") == first_mail
        assert find(form, "#childcare").is_selected(), "the childcare answer is kept after the error"
        assert not find(form, "#consent").is_selected()
        assert_accessible(driver)

        _check(form, "consent")
        submit(driver, form)
        wait_for(driver, lambda d: TICKET_PATH.match(path_of(d)), "the redirect to the personal page /anmeldung/<token>")
        first_ticket = path_of(driver)
        assert_page_basics(driver)
        assert _ticket_status(driver) == "angemeldet", _ticket_status(driver)
        text = body_text(driver)
        assert first_name in text and title in text and place in text, text[:1500]
        assert "Warteliste" not in text
        assert exists(driver, "form#cancel"), "the personal page offers to cancel"
        assert_accessible(driver)

        # The personal address is the key to the registration: not cached, not passed on as a referrer.
        r = HttpClient(base_url).get_raw(first_ticket)
        assert r.status == 200
        assert "no-store" in r.header("Cache-Control"), f"Cache-Control: {r.header('Cache-Control')!r}"
        policy = r.header("Referrer-Policy")
        assert policy in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"), \
            f"Referrer-Policy {policy!r} may pass the personal address on to other sites"

        # --- A second resident: the assembly is full now, she goes on the waiting list ------------------------
        driver.delete_all_cookies()
        driver.get(base_url + public_path)
        assert_page_basics(driver)
        text = body_text(driver)
        assert "Ausgebucht." in text and "Warteliste" in text, f"2 of 2 places are taken:\n{text[:1500]}"
        form = find(driver, "form#register")
        fill(form, "name", second_name)
        fill(form, "email", second_mail)
        fill(form, "people", "1")
        _check(form, "consent")
        submit(driver, form)
        wait_for(driver, lambda d: TICKET_PATH.match(path_of(d)), "the redirect to the second personal page")
        second_ticket = path_of(driver)
        assert second_ticket != first_ticket
        status = _ticket_status(driver)
        assert "Warteliste" in status and "Platz 1 auf der Warteliste" in status, status
        assert "rücken Sie automatisch nach" in body_text(driver)
        assert_accessible(driver)

        # --- The first resident cancels through her personal link --------------------------------------------
        driver.delete_all_cookies()
        driver.get(base_url + first_ticket)
        cancel = find(driver, "form#cancel")
        button = find(cancel, "button")
        assert text_content(button) == "Anmeldung absagen"
        button.click()
        wait_for(driver, lambda d: _stale(cancel), "the page after cancelling")
        wait_for(driver, lambda d: path_of(d) == first_ticket, "the personal page again after cancelling")
        assert_page_basics(driver)
        assert "Diese Anmeldung ist storniert." in body_text(driver)
        assert _ticket_status(driver) == "storniert", _ticket_status(driver)
        assert not exists(driver, "form#cancel"), "a cancelled registration cannot be cancelled again"
        assert_accessible(driver)

        # Cancelling twice changes nothing: the old form posted again (with a valid CSRF token from another page).
        client = HttpClient(base_url)
        _, fields = client.form(client.get(public_path), "register")
        again = client.request("POST", first_ticket + "/stornieren", {"_csrf": fields["_csrf"]})
        assert again.status == 200 and again.path == first_ticket, f"cancelling again: {again.status} at {again.path}"
        assert "Diese Anmeldung ist storniert." in again.text

        # --- The second resident has moved up ----------------------------------------------------------------
        driver.get(base_url + second_ticket)
        assert_page_basics(driver)
        assert _ticket_status(driver) == "angemeldet", f"the waiting resident did not move up: {_ticket_status(driver)!r}"
        assert "Warteliste" not in body_text(driver)
        assert exists(driver, "form#cancel")

        driver.get(base_url + public_path)
        text = body_text(driver)
        assert "Ausgebucht." not in text and "Noch 1 " in text, f"1 of 2 places is taken now:\n{text[:1500]}"
    finally:
        driver.set_window_size(1280, 900)

    # --- The mails went to the outbox, each to the right person -------------------------------------------------
    mails = _outbox(base_url)
    for recipient, subject in (
        (first_mail, f"Anmeldung bestätigt: {title}"),
        (second_mail, f"Warteliste: {title}"),
        (first_mail, f"Abmeldung bestätigt: {title}"),
        (second_mail, f"Sie haben einen Platz: {title}"),
    ):
        assert mails.count((recipient, subject)) == 1, \
            f"expected one mail {subject!r} to {recipient} in the outbox; newest: {mails[:10]}"
    assert not any(r == second_mail and s.startswith("Anmeldung bestätigt") for r, s in mails), \
        "the waiting resident got a confirmation before she moved up"

    # --- Staff see the outcome on the registrations page ---------------------------------------------------------
    login(driver, base_url, STAFF)
    driver.get(f"{base_url}/verwaltung/veranstaltungen/{event_id}/anmeldungen")
    assert "Angemeldet: 1 von 2 Plätzen belegt, 0 auf der Warteliste." in body_text(driver), body_text(driver)[:1500]
    rows = {text_content(tr.find_element(By.CSS_SELECTOR, "th")): text_content(tr)
            for tr in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")}
    assert "storniert" in rows.get(first_name, ""), rows
    assert "braucht Kinderbetreuung" in rows[first_name] and "Sprache: Türkisch" in rows[first_name], rows[first_name]
    assert "angemeldet" in rows.get(second_name, "") and "online" in rows[second_name], rows


# ------------------------------------------------------------------------------------------------
# 2. The public calendar: no drafts, the cancelled workshop marked, list and month view
# ------------------------------------------------------------------------------------------------

def _card(driver, title: str):
    for card in driver.find_elements(By.CSS_SELECTOR, "ul.cards > li.card"):
        if text_content(card.find_element(By.CSS_SELECTOR, "h2")) == title:
            return card
    return None


def _draft_id(base_url: str) -> str:
    staff = HttpClient(base_url)
    staff.login(STAFF)
    page = staff.get("/verwaltung/veranstaltungen?ansicht=entwuerfe")
    assert page.status == 200
    match = re.search(r'href="/verwaltung/veranstaltungen/([0-9A-Fa-f-]{36})">' + re.escape(html.escape(DRAFT, quote=False)), page.text)
    assert match, "the demo draft is listed among the drafts for staff"
    return match.group(1)


def test_public_calendar_hides_drafts_and_marks_cancelled_events(driver, base_url):
    today = _berlin_today()

    # --- The list ------------------------------------------------------------------------------------------
    driver.get(base_url + "/veranstaltungen")
    assert_page_basics(driver)
    assert text_content(find(driver, "h1")) == "Veranstaltungen im Stadtteil"
    text = body_text(driver)
    for title in (FESTIVAL, EVENING, CANCELLED):
        assert _card(driver, title) is not None, f"{title!r} is not listed on /veranstaltungen"
    assert DRAFT not in driver.page_source, "the draft is visible on the public calendar"
    for past in (ASSEMBLY, FUTURE_WORKSHOP):
        assert past not in text, f"the past event {past!r} is listed among the coming ones"
    assert CANCELLED_NOTICE in text_content(_card(driver, CANCELLED)), "the cancelled workshop is not marked as cancelled"
    assert CANCELLED_NOTICE not in text_content(_card(driver, FESTIVAL))
    assert find(driver, "nav .tabs a[aria-current=page]").text == "Liste"
    assert_accessible(driver)

    # The format filter (through the form), then the topic filter.
    Select(find(driver, "form.filters #format")).select_by_value("district-festival")
    submit(driver, find(driver, "form.filters"))
    wait_for(driver, lambda d: "format=district-festival" in d.current_url, "the calendar filtered by format")
    titles = [text_content(h) for h in driver.find_elements(By.CSS_SELECTOR, "ul.cards > li.card h2")]
    assert FESTIVAL in titles and EVENING not in titles and CANCELLED not in titles, titles
    driver.get(base_url + "/veranstaltungen?format=resident-assembly")
    assert DRAFT not in driver.page_source, "the draft shows up when filtering by its format"

    driver.get(base_url + "/veranstaltungen")
    topic = next((o for o in Select(find(driver, "#thema")).options if o.text == "Mieten und Nebenkosten"), None)
    assert topic is not None, "the topic filter offers 'Mieten und Nebenkosten'"
    driver.get(f"{base_url}/veranstaltungen?thema={topic.get_attribute('value')}")
    titles = [text_content(h) for h in driver.find_elements(By.CSS_SELECTOR, "ul.cards > li.card h2")]
    assert EVENING in titles and FESTIVAL not in titles, f"topic 'Mieten und Nebenkosten': {titles}"

    # Past events.
    driver.get(base_url + "/veranstaltungen?zeitraum=vergangen")
    assert_page_basics(driver)
    titles = [text_content(h) for h in driver.find_elements(By.CSS_SELECTOR, "ul.cards > li.card h2")]
    assert ASSEMBLY in titles and FUTURE_WORKSHOP in titles and FESTIVAL not in titles, titles

    # --- The cancelled workshop's own page ---------------------------------------------------------------------
    driver.get(base_url + "/veranstaltungen")
    _card(driver, CANCELLED).find_element(By.CSS_SELECTOR, "h2 a").click()
    wait_for(driver, lambda d: d.find_elements(By.TAG_NAME, "h1") and text_content(d.find_element(By.TAG_NAME, "h1")) == CANCELLED,
             "the cancelled workshop's page")
    assert_page_basics(driver)
    assert CANCELLED_NOTICE in body_text(driver)
    assert not exists(driver, "form#register"), "a cancelled event takes no registrations"
    assert_accessible(driver)

    # --- Month view ----------------------------------------------------------------------------------------------
    festival_day = today + timedelta(days=21)
    driver.get(f"{base_url}/veranstaltungen?ansicht=monat&monat={festival_day:%Y-%m}")
    assert_page_basics(driver)
    grid = find(driver, "table.month")
    headers = [text_content(th) for th in grid.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers == ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"], headers
    months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
    assert f"{months[festival_day.month - 1]} {festival_day.year}" in body_text(driver)
    cells = [td for td in grid.find_elements(By.CSS_SELECTOR, "tbody td") if exists(td, "a") and FESTIVAL in text_content(td)]
    assert cells, f"the festival is not in the month grid of {festival_day:%Y-%m}"
    assert text_content(find(cells[0], ".day-number")) == str(festival_day.day), "the festival sits on the wrong day"
    assert DRAFT not in driver.page_source
    assert find(driver, "nav .tabs a[aria-current=page]").text == "Monat"
    assert_accessible(driver)

    cancelled_day = today + timedelta(days=9)
    driver.get(f"{base_url}/veranstaltungen?ansicht=monat&monat={cancelled_day:%Y-%m}")
    entries = [text_content(li) for li in driver.find_elements(By.CSS_SELECTOR, "table.month li") if CANCELLED in text_content(li)]
    assert entries and "(abgesagt)" in entries[0], f"the cancelled workshop in the month grid: {entries}"
    draft_day = today + timedelta(days=60)
    driver.get(f"{base_url}/veranstaltungen?ansicht=monat&monat={draft_day:%Y-%m}")
    assert exists(driver, "table.month")
    assert DRAFT not in driver.page_source, "the draft shows up in the month view"
    # The month navigation keeps the view.
    find(driver, "a[rel=next]").click()
    next_month = (draft_day.replace(day=1) + timedelta(days=32)).replace(day=1)
    wait_for(driver, lambda d: f"monat={next_month:%Y-%m}" in d.current_url and "ansicht=monat" in d.current_url,
             f"the month view of {next_month:%Y-%m}")
    assert exists(driver, "table.month")

    # --- Feed and direct addresses: no draft --------------------------------------------------------------------
    status, _, body = _fetch(base_url + "/veranstaltungen.ics")
    assert status == 200
    feed = icalendar.Calendar.from_ical(body)
    summaries = [str(e["SUMMARY"]) for e in feed.walk("VEVENT")]
    assert FESTIVAL in summaries and CANCELLED in summaries, summaries
    assert DRAFT not in summaries and DRAFT.encode() not in body, "the draft is in the calendar feed"
    draft_id = _draft_id(base_url)
    assert _uid(draft_id) not in {str(e["UID"]) for e in feed.walk("VEVENT")}
    client = HttpClient(base_url)
    for path in (f"/veranstaltungen/{draft_id}", f"/veranstaltungen/{draft_id}/termin.ics"):
        r = client.get(path)
        assert r.status == 404, f"{path} (a draft) answered {r.status} to the public"
        assert DRAFT not in r.text


# ------------------------------------------------------------------------------------------------
# 3. Interop: .ics and feed with icalendar; UID stays, SEQUENCE rises, STATUS:CANCELLED
# ------------------------------------------------------------------------------------------------

def test_event_ics_keeps_uid_and_raises_sequence(driver, base_url):
    tag = uuid.uuid4().hex[:6]
    title = f"Infoabend Heizkosten ({tag})"
    place = "Gemeindesaal Beispielkirche, Kirchgasse 5"  # a comma, escaped in iCalendar
    day = _berlin_today() + timedelta(days=25)
    login(driver, base_url, STAFF)
    event_id = _create_event(driver, base_url, title=title, fmt="information", day=day, place=place,
                             start="18:00", end="19:30", description="Wie lese ich meine Heizkostenabrechnung?", publish=False)
    staff_path = f"/verwaltung/veranstaltungen/{event_id}"
    ics_url = f"{base_url}/veranstaltungen/{event_id}/termin.ics"
    uid = _uid(event_id)

    # A draft: neither its .ics nor the feed.
    status, _, _ = _fetch(ics_url)
    assert status == 404, f"the .ics of a draft answered {status}"
    assert uid not in _vevents(_calendar(base_url + "/veranstaltungen.ics")), "a draft is in the feed"

    _click_expecting_notice(driver, find(driver, "button[name=state][value=published]"), "veröffentlicht")

    # --- The event's .ics --------------------------------------------------------------------------------------
    status, headers, _ = _fetch(ics_url)
    assert status == 200
    assert "attachment" in headers.get("content-disposition", "") and ".ics" in headers.get("content-disposition", ""), headers
    cal = _calendar(ics_url)
    assert str(cal.get("VERSION")) == "2.0" and cal.get("PRODID"), "VCALENDAR needs VERSION:2.0 and PRODID"
    zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
    assert zones == ["Europe/Berlin"], f"VTIMEZONE: {zones}"
    events = cal.walk("VEVENT")
    assert len(events) == 1, f"{len(events)} VEVENTs in the event's .ics"
    event = events[0]
    assert str(event["UID"]) == uid, event["UID"]
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == place, f"LOCATION {str(event['LOCATION'])!r}"
    assert event.get("DTSTAMP") is not None
    assert int(event["SEQUENCE"]) == 0
    assert str(event.get("STATUS", "")).upper() == "CONFIRMED"
    dtstart = event["DTSTART"]
    assert dtstart.params.get("TZID") == "Europe/Berlin", f"DTSTART params {dict(dtstart.params)}"
    start = dtstart.dt.astimezone(BERLIN)
    assert (start.date(), start.hour, start.minute) == (day, 18, 0), f"DTSTART {dtstart.dt!r}"
    end = event["DTEND"].dt.astimezone(BERLIN)
    assert (end.hour, end.minute) == (19, 30), f"DTEND {event['DTEND'].dt!r}"
    assert f"/veranstaltungen/{event_id}".lower() in str(event.get("URL", "")).lower(), event.get("URL")

    feed = _vevents(_calendar(base_url + "/veranstaltungen.ics"))
    assert uid in feed and int(feed[uid]["SEQUENCE"]) == 0, "the published event is in the feed"
    assert [str(z["TZID"]) for z in _calendar(base_url + "/veranstaltungen.ics").walk("VTIMEZONE")] == ["Europe/Berlin"]

    # --- Staff move it by an hour ------------------------------------------------------------------------------
    driver.get(base_url + staff_path)
    driver.find_element(By.CSS_SELECTOR, f"main a[href='{staff_path}/bearbeiten']").click()
    form = wait_for_css(driver, "form#event")
    assert find(form, "#title").get_attribute("value") == title
    assert find(form, "#start").get_attribute("value") == "18:00", find(form, "#start").get_attribute("value")
    assert_accessible(driver)
    _set_value(driver, find(form, "#start"), "19:00")
    _set_value(driver, find(form, "#end"), "20:30")
    _submit_expecting_notice(driver, form, f"„{title}“ ist gespeichert.")
    assert "19:00" in body_text(driver)

    event = _vevents(_calendar(ics_url))[uid]  # the same UID after the edit
    assert int(event["SEQUENCE"]) == 1, f"SEQUENCE after moving the event: {event['SEQUENCE']}"
    start = event["DTSTART"].dt.astimezone(BERLIN)
    assert (start.date(), start.hour, start.minute) == (day, 19, 0), f"DTSTART after the edit: {event['DTSTART'].dt!r}"
    assert event["DTSTART"].params.get("TZID") == "Europe/Berlin"

    # --- Staff call it off ------------------------------------------------------------------------------------
    driver.get(base_url + staff_path)
    _click_expecting_notice(driver, find(driver, "button[name=state][value=cancelled]"), "abgesagt")
    assert CANCELLED_NOTICE in body_text(driver)
    event = _vevents(_calendar(ics_url))[uid]
    assert str(event.get("STATUS", "")).upper() == "CANCELLED", f"STATUS {event.get('STATUS')!r}"
    assert int(event["SEQUENCE"]) == 2, f"SEQUENCE after cancelling: {event['SEQUENCE']}"
    feed_cal = _calendar(base_url + "/veranstaltungen.ics")
    feed = _vevents(feed_cal)
    assert uid in feed, "the cancelled event stays in the feed, so that calendars learn of it"
    assert str(feed[uid].get("STATUS", "")).upper() == "CANCELLED" and int(feed[uid]["SEQUENCE"]) == 2
    assert len(feed) == len(list(feed_cal.walk("VEVENT"))), "UIDs in the feed are unique"
    assert DRAFT not in [str(e["SUMMARY"]) for e in feed.values()], "the demo draft is in the feed"

    # The public page says so as well.
    driver.get(f"{base_url}/veranstaltungen/{event_id}")
    assert CANCELLED_NOTICE in body_text(driver)
    assert not exists(driver, "form#register")


# ------------------------------------------------------------------------------------------------
# 4. Staff: a registration by phone, check-in at the door, a walk-in, the participation total
# ------------------------------------------------------------------------------------------------

def _door_entry(driver, name: str):
    for li in driver.find_elements(By.CSS_SELECTOR, "ul.door-list > li"):
        if name in text_content(li):
            return li
    pytest.fail(f"{name!r} is not on the door list at {driver.current_url}", pytrace=False)


def _counter(driver, label: str):
    for li in driver.find_elements(By.CSS_SELECTOR, "ul.counters > li"):
        if text_content(li.find_element(By.CSS_SELECTOR, ".counter-label")).startswith(label + ":"):
            return li
    pytest.fail(f"no walk-in counter {label!r} at {driver.current_url}", pytrace=False)


def _total(driver) -> str:
    return text_content(find(driver, ".door-total"))


def test_staff_register_by_phone_check_in_and_count_walk_ins(driver, base_url):
    tag = uuid.uuid4().hex[:6]
    title = f"Bewohnerversammlung Hangweg ({tag})"
    caller = f"Erna Anruferin {tag}"
    phone = "06421 555 0199"
    login(driver, base_url, STAFF)
    event_id = _create_event(driver, base_url, title=title, fmt="resident-assembly", day=_berlin_today() + timedelta(days=30),
                             place="Stadtteilbüro, Am Beispielhang 12", registration=True, capacity=10, asks=("childcare",))
    staff_path = f"/verwaltung/veranstaltungen/{event_id}"
    assert_page_basics(driver)
    text = body_text(driver)
    assert "Angemeldet: 0 von 10 Plätzen belegt, 0 auf der Warteliste." in text, text[:1500]
    assert "Gekommen: 0 Personen (0 mit Anmeldung, 0 ohne)." in text
    assert_accessible(driver)

    # --- Registrations: somebody called ------------------------------------------------------------------------
    driver.find_element(By.LINK_TEXT, "Anmeldungen und Teilnehmendenliste").click()
    form = wait_for_css(driver, "form#registration")
    assert path_of(driver) == staff_path + "/anmeldungen"
    assert_page_basics(driver)
    assert_accessible(driver)
    fill(form, "name", caller)
    fill(form, "phone", phone)
    fill(form, "people", "2")
    Select(find(form, "#source")).select_by_value("phone")
    _check(form, "childcare")
    _submit_expecting_notice(driver, form, f"{caller} ist angemeldet.")
    assert path_of(driver) == staff_path + "/anmeldungen"
    assert "Angemeldet: 2 von 10 Plätzen belegt, 0 auf der Warteliste." in body_text(driver)
    rows = [tr for tr in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
            if text_content(tr.find_element(By.CSS_SELECTOR, "th")) == caller]
    assert len(rows) == 1, f"{caller!r} should be in the attendee table once"
    cells = [text_content(td) for td in rows[0].find_elements(By.CSS_SELECTOR, "td")]
    assert cells[:5] == ["2", "angemeldet", "Telefon", phone, "braucht Kinderbetreuung"], cells
    assert_accessible(driver)

    # The attendee list as CSV has her, too.
    staff = HttpClient(base_url)
    staff.login(STAFF)
    csv = staff.get_raw(staff_path + "/anmeldungen.csv")
    assert csv.status == 200 and "text/csv" in csv.header("Content-Type"), (csv.status, csv.header("Content-Type"))
    assert caller in csv.body.decode("utf-8-sig", "replace"), "the CSV export lacks the phone registration"

    # --- At the door -----------------------------------------------------------------------------------------
    driver.find_element(By.PARTIAL_LINK_TEXT, "Einlass").click()
    wait_for_css(driver, ".door-total")
    assert path_of(driver) == staff_path + "/einlass"
    assert_page_basics(driver)
    assert _total(driver) == "Gekommen: 0 Personen (0 mit Anmeldung, 0 ohne).", _total(driver)
    entry = _door_entry(driver, caller)
    assert "braucht Kinderbetreuung" in text_content(entry)
    assert_accessible(driver)

    _click_expecting_notice(driver, find(_door_entry(driver, caller), "button"), f"{caller} ist eingecheckt.")
    entry = _door_entry(driver, caller)
    assert "present" in (entry.get_attribute("class") or ""), "the checked-in person is marked present"
    assert "da" in text_content(entry) and "Rückgängig" in text_content(find(entry, "button"))
    assert _total(driver) == "Gekommen: 2 Personen (2 mit Anmeldung, 0 ohne).", _total(driver)

    # A child comes without registration; an adult is counted by mistake and taken back.
    _click_expecting_notice(driver, find(_counter(driver, "Kinder (bis 13)"), "button[value='1']"), "Gezählt: Kinder (bis 13).")
    assert _total(driver) == "Gekommen: 3 Personen (2 mit Anmeldung, 1 ohne).", _total(driver)
    assert text_content(find(_counter(driver, "Kinder (bis 13)"), "strong")) == "1"
    _click_expecting_notice(driver, find(_counter(driver, "Erwachsene"), "button[value='1']"), "Gezählt: Erwachsene.")
    assert _total(driver) == "Gekommen: 4 Personen (2 mit Anmeldung, 2 ohne).", _total(driver)
    _click_expecting_notice(driver, find(_counter(driver, "Erwachsene"), "button[value='-1']"), "Gezählt: Erwachsene.")
    assert _total(driver) == "Gekommen: 3 Personen (2 mit Anmeldung, 1 ohne).", _total(driver)
    assert text_content(find(_counter(driver, "Erwachsene"), "strong")) == "0"
    assert_accessible(driver)

    # --- The event page shows the same participation -------------------------------------------------------
    driver.get(base_url + staff_path)
    text = body_text(driver)
    assert "Gekommen: 3 Personen (2 mit Anmeldung, 1 ohne)." in text, text[:1500]
    assert "Angemeldet: 2 von 10 Plätzen belegt, 0 auf der Warteliste." in text
    driver.get(base_url + staff_path + "/anmeldungen")
    row = next(tr for tr in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr") if caller in text_content(tr))
    assert "(da)" in text_content(row), f"the attendee table shows her as present: {text_content(row)!r}"


# ------------------------------------------------------------------------------------------------
# 5. The pages residents and door staff use on a phone fit a phone screen (WCAG 1.4.10, reflow)
# ------------------------------------------------------------------------------------------------

def test_event_pages_fit_a_phone_screen(driver, base_url):
    """Nothing sticks out sideways at 390 CSS px: the door page, an event page, the personal registration page and
    the calendar. axe does not check reflow, so this compares the page's width with the window's (a data table may
    scroll in its own box, as the month grid does). The organisers name the Quartiersmanagement, as in the demo data:
    long German words must wrap, too."""
    tag = uuid.uuid4().hex[:6]
    title = f"Mieterversammlung Hangweg 9 ({tag})"
    resident_name = "Gül Testbewohnerin"
    login(driver, base_url, STAFF)
    event_id = _create_event(driver, base_url, title=title, fmt="tenant-assembly", day=_berlin_today() + timedelta(days=18),
                             place="Nachbarschaftstreff, Hangweg 5", registration=True, capacity=20)
    resident = HttpClient(base_url)
    r = resident.submit(f"/veranstaltungen/{event_id}", "register",
                        {"name": resident_name, "email": f"guel.{tag}@beispiel.example", "people": "1", "consent": "on"})
    assert r.status == 200 and TICKET_PATH.match(r.path), f"registering answered {r.status} at {r.path}"
    ticket = r.path

    problems: list[str | None] = []
    driver.set_window_size(390, 844)
    try:
        driver.get(f"{base_url}/verwaltung/veranstaltungen/{event_id}/einlass")
        wait_for_css(driver, ".door-total")
        assert resident_name in body_text(driver)
        problems.append(_sideways_scrolling(driver, "the door page"))
        assert_accessible(driver)

        logout(driver)
        driver.delete_all_cookies()
        for path, what in ((f"/veranstaltungen/{event_id}", "the public event page"), (ticket, "the personal registration page"),
                           ("/veranstaltungen", "the calendar list"), ("/veranstaltungen?ansicht=monat", "the month view")):
            driver.get(base_url + path)
            assert_page_basics(driver)
            problems.append(_sideways_scrolling(driver, what))
            assert_accessible(driver)
    finally:
        driver.set_window_size(1280, 900)
    found = [p for p in problems if p]
    assert not found, "pages that do not fit a phone screen:\n" + "\n".join(found)
