"""End-to-end tests in a real browser (headless chromium) against `quartier demo`.

Every page a test visits is checked with axe (WCAG 2.0/2.1, levels A and AA).
Each test gets its own browser, so tests do not depend on each other's order.
"""

from __future__ import annotations

import email.header
import email.utils
import mailbox
import os
import random
import re
import time
import uuid

import pytest
from selenium.webdriver.common.by import By

from helpers import (
    ADMIN,
    MEMBER,
    STAFF,
    HttpClient,
    assert_accessible,
    assert_no_stack_trace,
    assert_page_basics,
    body_text,
    exists,
    fill,
    find,
    html_lang,
    login,
    logout,
    path_of,
    submit,
    text_content,
    wait_for,
    wait_for_css,
)

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_RE = re.compile(r"\+?\d[\d /()\-\u2009\u00a0]{5,}\d")
FICTIONAL_DE = re.compile(r"fiktiv|fiktional|erfunden", re.IGNORECASE)
FICTIONAL_EN = re.compile(r"fictional|fictitious|made[- ]up", re.IGNORECASE)

OFFICE_FIELDS = (
    "office_name", "people", "phone", "email", "street", "postal_code", "city",
    "opening_hours", "consultation_hours",
)


# ------------------------------------------------------------------------------------------------
# (a) a resident: start page, English, accessibility statement, feedback
# ------------------------------------------------------------------------------------------------

def test_resident_reads_in_english_and_sends_feedback(driver, base_url):
    driver.get(base_url + "/")
    assert_page_basics(driver, "de")
    skip = find(driver, "a.skip-link")
    assert (skip.get_attribute("href") or "").endswith("#inhalt"), "skip link must point to #inhalt"
    find(driver, "main#inhalt")
    contact = find(driver, "section#kontakt")
    contact_text = text_content(contact)
    assert EMAIL_RE.search(contact_text), f"no e-mail address in #kontakt: {contact_text!r}"
    assert PHONE_RE.search(contact_text), f"no phone number in #kontakt: {contact_text!r}"
    assert FICTIONAL_DE.search(body_text(driver)), "start page must say that the demo data is fictional"
    german_skip_text = text_content(skip)
    assert_accessible(driver)

    # Switch to English.
    find(driver, 'nav#sprache a[hreflang="en"]').click()
    wait_for(driver, lambda d: html_lang(d) == "en", '<html lang="en"> after choosing English')
    assert_page_basics(driver, "en")
    assert exists(driver, 'nav#sprache a[hreflang="de"]'), "English page must offer German (hreflang=de)"
    assert text_content(find(driver, "a.skip-link")) != german_skip_text, "skip link is not translated"
    assert FICTIONAL_EN.search(body_text(driver)), "English start page must say the demo data is fictional"
    assert_accessible(driver)

    # The choice is remembered on the next page.
    driver.get(base_url + "/barrierefreiheit")
    assert_page_basics(driver, "en")
    form = find(driver, "form#feedback")
    assert not exists(driver, ".error-summary"), "the fresh form must not show an error summary"
    for name in ("name", "email", "message", "_csrf"):
        assert form.find_elements(By.NAME, name), f"form#feedback has no field {name!r}"
    assert form.find_element(By.NAME, "_csrf").get_attribute("type") == "hidden"
    assert form.find_element(By.NAME, "message").get_attribute("required") is not None, \
        "message must be marked required"
    assert_accessible(driver)

    fill(form, "name", "Erika Testerin")
    fill(form, "email", "erika@example.org")
    fill(form, "message", f"The contrast of the map legend is too low. ({uuid.uuid4().hex[:8]})")
    submit(driver, form)
    wait_for(driver, lambda d: path_of(d) == "/barrierefreiheit/danke", "redirect to /barrierefreiheit/danke")
    notice = wait_for_css(driver, ".notice")
    assert notice.get_attribute("role") == "status", ".notice must have role=status"
    assert text_content(notice), ".notice is empty"
    assert_page_basics(driver, "en")
    assert_accessible(driver)


# ------------------------------------------------------------------------------------------------
# (b) empty feedback
# ------------------------------------------------------------------------------------------------

def test_empty_feedback_shows_error(driver, base_url):
    # Status code: the form comes back with 400 and an error summary.
    client = HttpClient(base_url)
    fresh_has_summary = "error-summary" in client.get("/barrierefreiheit").text
    assert not fresh_has_summary, "the fresh form (GET /barrierefreiheit) must not show an error summary"
    r = client.submit("/barrierefreiheit", "feedback", {"name": "", "email": "", "message": ""})
    assert r.status == 400, f"empty feedback must answer 400, got {r.status} at {r.url}"
    assert "error-summary" in r.text, "400 page has no .error-summary"
    client.form(r, "feedback")  # the form is shown again
    assert_no_stack_trace(r.text)

    # In the browser, bypassing the client-side `required` check (server-side validation counts).
    driver.get(base_url + "/barrierefreiheit")
    assert_page_basics(driver, "de")
    assert not exists(driver, ".error-summary"), "the fresh form must not show an error summary"
    assert_accessible(driver)
    form = find(driver, "form#feedback")
    driver.execute_script("arguments[0].noValidate = true;", form)
    fill(form, "message", "")
    submit(driver, form)
    summary = wait_for_css(driver, ".error-summary")
    assert summary.get_attribute("role") == "alert", ".error-summary must have role=alert"
    assert text_content(summary), ".error-summary is empty"
    assert exists(driver, "form#feedback"), "the form must be shown again"
    assert_page_basics(driver, "de")
    assert_accessible(driver)


# ------------------------------------------------------------------------------------------------
# (c) admin edits the contact block
# ------------------------------------------------------------------------------------------------

def test_admin_edits_contact_phone(driver, base_url):
    login(driver, base_url, ADMIN)
    assert path_of(driver) == "/verwaltung", f"admin should land on /verwaltung, is on {path_of(driver)}"
    assert_page_basics(driver, "de")
    assert_accessible(driver)

    driver.get(base_url + "/verwaltung/admin/stadtteilbuero")
    assert_page_basics(driver, "de")
    form = find(driver, "form#office")
    for name in OFFICE_FIELDS:
        assert form.find_elements(By.NAME, name), f"form#office has no field {name!r}"
    assert_accessible(driver)

    phone = f"06421 {random.randint(100000, 999999)}"
    fill(form, "phone", phone)
    submit(driver, form)
    notice = wait_for_css(driver, ".notice")
    assert text_content(notice), ".notice is empty"
    assert path_of(driver) == "/verwaltung/admin/stadtteilbuero", \
        f"saving should redirect back to the form, is on {path_of(driver)}"
    assert find(driver, "form#office").find_element(By.NAME, "phone").get_attribute("value") == phone
    assert_page_basics(driver, "de")
    assert_accessible(driver)

    driver.get(base_url + "/")
    contact = find(driver, "section#kontakt")
    assert phone in text_content(contact), f"start page #kontakt does not show {phone!r}: {text_content(contact)!r}"
    assert_page_basics(driver, "de")
    assert_accessible(driver)

    logout(driver)
    assert_accessible(driver)
    driver.get(base_url + "/verwaltung")
    assert not exists(driver, "form#logout"), "still logged in after logout"
    assert exists(driver, "form#login"), "/verwaltung without a session should lead to the login form"
    assert_accessible(driver)


def test_staff_lands_on_dashboard(driver, base_url):
    login(driver, base_url, STAFF)
    assert path_of(driver) == "/verwaltung", f"staff should land on /verwaltung, is on {path_of(driver)}"
    assert_page_basics(driver, "de")
    assert_accessible(driver)


# ------------------------------------------------------------------------------------------------
# (d) test mail
# ------------------------------------------------------------------------------------------------

def _decode(value) -> str:
    if value is None:
        return ""
    return str(email.header.make_header(email.header.decode_header(str(value))))


def _recipients(msg) -> str:
    fields = msg.get_all("To", []) + msg.get_all("Cc", []) + msg.get_all("X-RcptTo", [])
    return " ".join(addr.lower() for _, addr in email.utils.getaddresses(fields)) + " " + \
        " ".join(str(f).lower() for f in fields)


def test_admin_sends_test_mail(driver, base_url):
    maildir = os.environ.get("QUARTIER_TEST_MAILDIR")
    if not maildir:
        pytest.fail(
            "QUARTIER_TEST_MAILDIR is not set: this test needs an SMTP sink delivering into a maildir "
            "and QUARTIER_SENDMAIL pointing at it (see .ci/run).",
            pytrace=False,
        )
    if not os.environ.get("QUARTIER_SENDMAIL"):
        pytest.fail("QUARTIER_SENDMAIL is not set; the app cannot deliver mail (see .ci/run).", pytrace=False)
    box = mailbox.Maildir(maildir, create=False)
    before = set(box.keys())

    login(driver, base_url, ADMIN)
    driver.get(base_url + "/verwaltung/admin/testmail")
    assert_page_basics(driver, "de")
    form = find(driver, "form#testmail")
    assert_accessible(driver)
    submit(driver, form)
    notice = wait_for_css(driver, ".notice")
    assert text_content(notice), ".notice is empty"
    assert_page_basics(driver, "de")
    assert_accessible(driver)

    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        seen = []
        for key in set(box.keys()) - before:
            msg = box.get_message(key)
            subject = _decode(msg["Subject"])
            seen.append(f"{subject!r} to {msg.get('To')!r}")
            if "testmail" in subject.lower() and ADMIN in _recipients(msg):
                return
        time.sleep(0.5)
    pytest.fail(
        f"no mail with 'Testmail' in the subject for {ADMIN} arrived in {maildir} within 60 s; "
        f"new messages: {seen or 'none'}",
        pytrace=False,
    )


# ------------------------------------------------------------------------------------------------
# (e) 404, (f) other public pages, (g) member without access
# ------------------------------------------------------------------------------------------------

def test_not_found_page(driver, base_url):
    r = HttpClient(base_url).get("/gibt-es-nicht")
    assert r.status == 404, f"/gibt-es-nicht answered {r.status}"
    assert_no_stack_trace(r.text)

    driver.get(base_url + "/gibt-es-nicht")
    assert_page_basics(driver, "de")
    assert re.search(r"nicht gefunden", body_text(driver), re.IGNORECASE), \
        "404 page should say (in German) that the page was not found"
    assert_accessible(driver)


@pytest.mark.parametrize("path", ["/leichte-sprache", "/impressum", "/datenschutz", "/barrierefreiheit"])
def test_public_page(driver, base_url, path):
    r = HttpClient(base_url).get(path)
    assert r.status == 200, f"{path} answered {r.status}"
    driver.get(base_url + path)
    assert path_of(driver) == path
    assert_page_basics(driver, "de")
    assert_accessible(driver)


def test_member_cannot_open_administration(driver, base_url):
    client = HttpClient(base_url)
    client.login(MEMBER)
    r = client.get("/verwaltung")
    assert r.status == 403, f"/verwaltung for a member answered {r.status} at {r.url}"
    assert_no_stack_trace(r.text)

    login(driver, base_url, MEMBER)
    assert_page_basics(driver, "de")
    assert_accessible(driver)
    driver.get(base_url + "/verwaltung")
    assert_page_basics(driver, "de")
    assert exists(driver, "form#logout"), "the 403 page should still show the member as logged in"
    assert_accessible(driver)


def test_on_a_phone_the_menu_folds_away_and_the_page_starts_on_the_first_screen(driver, base_url):
    # Without scripts the menu is simply open: the page's own HTML has it so.
    assert re.search(r'<details class="[^"]*\bsite-menu\b[^"]*" open\b', HttpClient(base_url).get("/").text)
    driver.set_window_size(390, 844)
    driver.get(base_url + "/aktuelles")
    assert_page_basics(driver)
    menu = find(driver, "details.site-menu")
    assert menu.get_attribute("open") is None, "the menu should be folded away on a phone"
    top = driver.execute_script("return document.querySelector('main').getBoundingClientRect().top")
    assert top < 844 / 2, f"the page's content starts {top}px down, below half of the phone's screen"
    # The languages stay in view; the menu opens by its summary, with the keyboard too.
    assert find(driver, 'nav#sprache a[hreflang="ar"]').is_displayed()
    summary = find(menu, "summary")
    assert summary.text.strip() in ("Menü", "Menu")
    summary.send_keys(" ")
    wait_for(driver, lambda d: find(d, "details.site-menu").get_attribute("open") is not None, "the menu to open")
    assert find(driver, ".main-nav a[href='/anliegen']").is_displayed()
    assert_accessible(driver)
    # On a wide screen it is simply there, without the summary.
    driver.set_window_size(1280, 900)
    wait_for(driver, lambda d: find(d, "details.site-menu").get_attribute("open") is not None, "the menu to be open on a wide screen")
    assert not find(driver, "details.site-menu summary").is_displayed()
    assert find(driver, ".main-nav a[href='/anliegen']").is_displayed()


def test_on_a_phone_the_back_office_menu_folds_away_too(driver, base_url):
    driver.set_window_size(390, 844)
    login(driver, base_url, STAFF)
    driver.get(base_url + "/verwaltung/veranstaltungen")
    assert_page_basics(driver)
    menu = find(driver, "details.backoffice-menu")
    assert menu.get_attribute("open") is None, "the back office menu should be folded away on a phone"
    top = driver.execute_script("return document.querySelector('main').getBoundingClientRect().top")
    assert top < 844 / 2, f"the page's content starts {top}px down, below half of the phone's screen"
    summary = find(menu, "summary")
    assert "Veranstaltungen" in summary.text, "the folded menu names the section one is in"
    summary.click()
    wait_for(driver, lambda d: find(d, "details.backoffice-menu").get_attribute("open") is not None, "the back office menu to open")
    assert find(driver, ".backoffice-nav a[aria-current='page']").is_displayed()
    assert_accessible(driver)
    driver.set_window_size(1280, 900)
    wait_for(driver, lambda d: find(d, "details.backoffice-menu").get_attribute("open") is not None, "the sidebar to be open on a wide screen")
    assert not find(driver, "details.backoffice-menu summary").is_displayed()
