"""Browser test of the activating survey (issue 7).

An interviewer (a member account in one of the survey's teams) records two visits on a phone-sized screen with the
network switched off in the browser (Chrome DevTools offline emulation): one interview and one "nobody home – letter
left". The page opens again offline (service worker), and says how many visits wait to be sent. Back online, both arrive exactly once — also when the queue is
sent a second time, as after a sync whose answer was lost. Staff then code the new answer, mark it as a quote and
open the results, where it appears; the interviews' CSV export is read back with Python's csv module. Every page on
the way has zero axe violations."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from helpers import (
    MEMBER,
    STAFF,
    HttpClient,
    assert_accessible,
    assert_page_basics,
    body_text,
    find,
    login,
    logout,
    wait_for,
)

SURVEY_TITLE = "Aktivierende Befragung Am Beispielhang (Beispiel)"


def _survey_path(client: HttpClient) -> str:
    page = client.get("/verwaltung/befragungen")
    assert page.status == 200
    match = re.search(r'href="(/verwaltung/befragungen/[0-9A-Fa-f-]{36})">' + re.escape(SURVEY_TITLE), page.text)
    assert match, "the demo survey is not listed"
    return match.group(1)


def _counts(client: HttpClient, survey: str) -> tuple[int, int]:
    """(visits, interviews) from the overview of the results page."""
    page = client.get(survey + "/ergebnisse")
    assert page.status == 200

    def figure(label: str) -> int:
        match = re.search(r"<dt>" + label + r"</dt><dd>(\d+)</dd>", page.text)
        assert match, f"{label} missing on the results page"
        return int(match.group(1))

    return figure("Besuche"), figure("Interviews")


def _network(driver, offline: bool) -> None:
    """Switches the network off (or on) for the page and for its service worker. DevTools' offline emulation of the
    page alone does not reach the worker's own fetches: the worker would still load the page from the server."""
    throughput = 0 if offline else 500 * 1024
    driver.set_network_conditions(offline=offline, latency=0, download_throughput=throughput, upload_throughput=throughput)
    conditions = {"offline": offline, "latency": 0, "downloadThroughput": throughput, "uploadThroughput": throughput}
    workers = [t for t in driver.execute_cdp_cmd("Target.getTargets", {})["targetInfos"] if t["type"] == "service_worker"]
    assert workers, "no service worker to take offline"
    for worker in workers:
        session = driver.execute_cdp_cmd("Target.attachToTarget", {"targetId": worker["targetId"], "flatten": False})["sessionId"]
        for number, (method, params) in enumerate([("Network.enable", {}), ("Network.emulateNetworkConditions", conditions)], start=1):
            driver.execute_cdp_cmd("Target.sendMessageToTarget",
                                   {"sessionId": session, "message": json.dumps({"id": number, "method": method, "params": params})})


def _waiting(driver) -> str:
    return find(driver, "#sync-status").get_attribute("data-waiting") or ""


def _record(driver, address: str, outcome: str, answer: str = "") -> None:
    form = find(driver, "form#visit-form")
    Select(form.find_element(By.ID, "address")).select_by_visible_text(address)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", form.find_element(By.ID, f"outcome-{outcome}"))
    form.find_element(By.ID, f"outcome-{outcome}").click()
    if answer:
        form.find_element(By.CSS_SELECTOR, "#interview textarea").send_keys(answer)
        willing = form.find_element(By.ID, "willingness-4")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", willing)
        willing.click()
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def test_offline_field_mode_coding_and_results(driver, base_url):
    staff = HttpClient(base_url)
    staff.login(STAFF)
    survey = _survey_path(staff)
    visits_before, interviews_before = _counts(staff, survey)
    tag = uuid.uuid4().hex[:8]
    answer = f"Die Treppe zum Spielplatz ist im Winter gefährlich ({tag})"

    # The interviewer on her phone: the field page, with the script's status line.
    driver.set_window_size(390, 844)
    login(driver, base_url, MEMBER)
    field = "/befragung/" + survey.rsplit("/", 1)[1] + "/feld"
    driver.get(base_url + "/mein-bereich")
    link = find(driver, f"a[href='{field}']")
    assert link.text == SURVEY_TITLE
    driver.get(base_url + field + "?strasse=" + "Am%20Beispielhang")
    assert_page_basics(driver)
    wait_for(driver, lambda d: _waiting(d) == "0", "the field script to report an empty queue")
    assert "Alle Besuche sind gesendet." in body_text(driver)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "the field page is wider than the phone"
    assert_accessible(driver)

    # The service worker keeps the page, so that it opens again without a network.
    wait_for(driver, lambda d: d.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)"),
             "the service worker to control the field page")
    driver.refresh()
    wait_for(driver, lambda d: d.execute_async_script(
        "var done = arguments[0]; caches.match(location.href).then(function (hit) { done(!!hit); }, function () { done(false); });"),
        "the field page to be kept for offline use")

    # Network off: the page still opens, and both visits stay on the device.
    _network(driver, offline=True)
    driver.refresh()
    find(driver, "form#visit-form")
    wait_for(driver, lambda d: _waiting(d) == "0", "the field script to run on the page opened offline")
    # ... and it is the kept copy, not the network's: the service worker marks it, and the page says so.
    assert driver.execute_script("return document.body.hasAttribute('data-offline-copy')"), "the offline page did not come from the kept copy"
    assert find(driver, "#offline-copy").is_displayed()
    _record(driver, "Am Beispielhang 11", "interview", answer)
    wait_for(driver, lambda d: _waiting(d) == "1", "one visit waiting to be sent")
    _record(driver, "Am Beispielhang 12", "letter-left")
    wait_for(driver, lambda d: _waiting(d) == "2", "two visits waiting to be sent")
    assert "2 Besuche warten auf das Senden." in find(driver, "#sync-status").text
    assert find(driver, "#sync-status").get_attribute("aria-live") == "polite"
    assert _counts(staff, survey) == (visits_before, interviews_before), "nothing may arrive while offline"
    queue = driver.execute_script(
        "for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i);"
        " if (k.indexOf('quartier.survey-queue.') === 0) return localStorage.getItem(k); } return null;")
    assert queue and tag in queue
    assert_accessible(driver)

    # Back online: the queue is sent, each visit once.
    _network(driver, offline=False)
    driver.execute_script("window.dispatchEvent(new Event('online'))")
    wait_for(driver, lambda d: _waiting(d) == "0", "the queue to be sent after going online", timeout=40)
    assert _counts(staff, survey) == (visits_before + 2, interviews_before + 1)

    # The same queue again, as after a sync whose answers were lost: the server stores nothing new.
    driver.execute_script(
        "var key = Object.keys(localStorage).filter(function (k) { return k.indexOf('quartier.survey-queue.') === 0; })[0]"
        " || 'quartier.survey-queue.' + document.getElementById('visit-form').getAttribute('data-sync-url');"
        " localStorage.setItem(key, arguments[0]); window.dispatchEvent(new Event('online'));", queue)
    wait_for(driver, lambda d: _waiting(d) == "0" and "Alle Besuche" in find(d, "#sync-status").text, "the resent queue to be acknowledged",
             timeout=40)
    assert _counts(staff, survey) == (visits_before + 2, interviews_before + 1)
    logout(driver)

    # Staff code the new answer, mark it as a quote and open the results.
    driver.set_window_size(1280, 900)
    login(driver, base_url, STAFF)
    driver.get(base_url + survey + "/kodierung?offen=1")
    assert_page_basics(driver)
    assert_accessible(driver)
    page = 1
    while answer not in body_text(driver):
        page += 1
        assert page < 20, "the new answer is not on the coding pages"
        driver.get(base_url + survey + f"/kodierung?offen=1&seite={page}")
    card = next(c for c in driver.find_elements(By.CSS_SELECTOR, "li.card") if answer in c.text)
    theme = next(box for box in card.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")
                 if box.get_attribute("id").endswith("-t1"))
    driver.execute_script("arguments[0].click()", theme)
    quote = card.find_element(By.CSS_SELECTOR, "input[name$='_quote']")
    driver.execute_script("arguments[0].click()", quote)
    button = find(driver, "form[method=post] button[type=submit]:not([class])")
    buttons = [b for b in driver.find_elements(By.CSS_SELECTOR, "form button[type=submit]") if "Kodierung speichern" in b.text]
    assert buttons, "no save button for the coding"
    driver.execute_script("arguments[0].click()", buttons[0])
    wait_for(driver, lambda d: "Antworten kodiert." in body_text(d), "the coding to be saved")
    del button

    driver.get(base_url + survey + "/ergebnisse")
    assert_page_basics(driver)
    text = body_text(driver)
    assert answer in text, "the marked quote is not on the results page"
    assert "Spielplätze und Treffpunkte" in text and "Themen nach Teilgebiet" in text
    charts = driver.find_elements(By.CSS_SELECTOR, "figure.chart img[src^='data:image/svg+xml']")
    assert len(charts) >= 5
    assert all(img.get_attribute("alt") for img in charts)
    assert_accessible(driver)

    # The export: one row per interview, read back with Python's csv module as German Excel would write it.
    raw = staff.get_raw(survey + "/interviews.csv")
    assert raw.status == 200 and raw.header("Content-Type").startswith("text/csv")
    assert raw.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.body.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header[:4] == ["nr", "datum", "leitfaden_version", "teilgebiet"]
    assert "thema_1" in header and "f1" in header
    assert len(data) == interviews_before + 1
    assert all(len(row) == len(header) for row in data)
    assert any(row[header.index("engagement")] == "4" and row[header.index("thema_1")] == "1" for row in data)
    assert tag not in raw.body.decode("utf-8-sig"), "open answers are not part of the closed-question export"


def _type(driver, selector: str, text: str) -> None:
    element = find(driver, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.send_keys(text)


def _click(driver, selector: str) -> None:
    element = find(driver, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def test_refused_visit_is_corrected_on_the_phone_and_staff_correct_and_delete(driver, base_url):
    """A visit the server refuses stays on the phone, listed with the reason, until the interviewer corrects it in the
    form (or discards it); sent again it is stored once. Staff then correct the interview's answer in the office and
    delete the visit; the results follow each step."""
    staff = HttpClient(base_url)
    staff.login(STAFF)
    survey = _survey_path(staff)
    visits_before, interviews_before = _counts(staff, survey)
    tag = uuid.uuid4().hex[:8]
    answer = f"Mehr Licht im Durchgang ({tag})"

    driver.set_window_size(390, 844)
    login(driver, base_url, MEMBER)
    field = "/befragung/" + survey.rsplit("/", 1)[1] + "/feld"
    driver.get(base_url + field + "?strasse=Am%20Beispielhang")
    wait_for(driver, lambda d: _waiting(d) == "0", "the field script to report an empty queue")
    assert not find(driver, "#refused-visits").is_displayed()

    # Contact details without the consent box: the server refuses the visit, and it stays on the device.
    form = find(driver, "form#visit-form")
    Select(form.find_element(By.ID, "address")).select_by_visible_text("Am Beispielhang 13")
    _click(driver, "#outcome-interview")
    _type(driver, "#interview textarea", answer)
    _type(driver, "#contactName", "Nora Nachbar")
    _type(driver, "#contactPhone", "0201 555")
    _click(driver, "form#visit-form button[type=submit]")
    wait_for(driver, lambda d: find(d, "#refused-visits").is_displayed(), "the refused visit to be listed", timeout=40)
    listed = find(driver, "#refused-visits").text
    assert "Am Beispielhang 13" in listed and "Einwilligung" in listed
    assert "1 Besuche konnten nicht gespeichert werden" in find(driver, "#sync-status").text
    assert _counts(staff, survey) == (visits_before, interviews_before)
    assert_accessible(driver)

    # Correct it in the form: everything comes back, the consent is ticked, and the visit is stored once.
    _click(driver, "#refused-visits button")
    assert find(driver, "#interview textarea").get_attribute("value") == answer
    assert find(driver, "#contactName").get_attribute("value") == "Nora Nachbar"
    _click(driver, "#contactConsent")
    _click(driver, "form#visit-form button[type=submit]")
    wait_for(driver, lambda d: not find(d, "#refused-visits").is_displayed() and _waiting(d) == "0", "the corrected visit to be stored",
             timeout=40)
    assert _counts(staff, survey) == (visits_before + 1, interviews_before + 1)
    logout(driver)

    # Staff find the interview from the sample's page and correct the answer.
    driver.set_window_size(1280, 900)
    login(driver, base_url, STAFF)
    interviews = staff.get(survey + "/interviews")
    links = re.findall(r'href="(/verwaltung/befragungen/interviews/[0-9A-Fa-f-]{36})"', interviews.text)
    target = next(link for link in links if answer in staff.get(link).text)
    driver.get(base_url + target)
    assert_page_basics(driver)
    assert "Nora" not in body_text(driver), "the interview must not show the contact's name"
    assert_accessible(driver)
    area = find(driver, "#interview textarea")
    area.clear()
    area.send_keys(answer + " und Bänke")
    _click(driver, "main form button[type=submit]")
    wait_for(driver, lambda d: "Die Korrektur ist gespeichert" in body_text(d), "the correction to be saved")
    assert find(driver, "#interview textarea").get_attribute("value") == answer + " und Bänke"

    # Deleting the visit asks first, then takes the interview along.
    _click(driver, f"a[href$='/loeschen']")
    wait_for(driver, lambda d: "Besuch löschen?" in body_text(d), "the confirmation page")
    assert_page_basics(driver)
    assert_accessible(driver)
    _click(driver, "main form button[type=submit]")
    wait_for(driver, lambda d: "ist gelöscht" in body_text(d), "the visit to be deleted")
    assert _counts(staff, survey) == (visits_before, interviews_before)
