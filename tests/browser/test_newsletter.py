"""Newsletter and Stadtteilzeitung in the browser, over a real SMTP path.

A resident subscribes with double opt-in and confirms through the link read from the message that
arrived at the SMTP sink; staff compose an issue from upcoming events, preview it, print it as the
Stadtteilzeitung (Chromium's print to PDF, checked with pdfinfo) and send it; the newsletter is read
from the maildir, and the resident leaves through its unsubscribe link. Zero axe violations on every page.

The mail goes through msmtp to an aiosmtpd sink that files it in a maildir: `.ci/run` provides both
(QUARTIER_SENDMAIL, QUARTIER_TEST_MAILDIR). Where they are absent, this module starts its own sink
when it is imported, before the session's server starts, and hands the server the same settings.
"""

from __future__ import annotations

import atexit
import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions

from helpers import (
    STAFF,
    assert_accessible,
    assert_page_basics,
    body_text,
    find,
    login,
    submit,
    wait_for,
)


def _own_sink() -> None:
    """Start an SMTP sink writing to a fresh maildir and point Quartier's sendmail (msmtp) at it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    maildir = Path(tempfile.mkdtemp(prefix="quartier-newsletter-mail-"))
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def stop() -> None:
        sink.terminate()
        try:
            sink.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sink.kill()
        shutil.rmtree(maildir, ignore_errors=True)

    atexit.register(stop)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    msmtp = shutil.which("msmtp") or "/usr/bin/msmtp"
    os.environ["QUARTIER_SENDMAIL"] = f"{msmtp} --host=127.0.0.1 --port={port} --from=quartier@localhost"
    os.environ["QUARTIER_TEST_MAILDIR"] = str(maildir)


if not os.environ.get("QUARTIER_TEST_MAILDIR"):
    _own_sink()

MAILDIR = Path(os.environ["QUARTIER_TEST_MAILDIR"])


def _messages_to(address: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted((MAILDIR / "new").glob("*")) + sorted((MAILDIR / "cur").glob("*")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message.get("To", "")):
            found.append(message)
    return found


def _wait_for_message(address: str, subject_part: str, timeout: float = 60) -> email.message.EmailMessage:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in _messages_to(address):
            if subject_part in str(message.get("Subject", "")):
                return message
        time.sleep(0.25)
    seen = [str(m.get("Subject")) for m in _messages_to(address)]
    pytest.fail(f"no message to {address} with {subject_part!r} in the subject arrived in {MAILDIR} (seen: {seen})", pytrace=False)


def _link(message: email.message.EmailMessage, pattern: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S*" + pattern + r"\S*", text)
    assert match, f"no link matching {pattern!r} in:\n{text}"
    return match.group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_subscribe_confirm_compose_send_print_unsubscribe(driver, base_url, tmp_path):
    address = f"bewohnerin-{uuid.uuid4().hex[:8]}@example.org"
    title = f"Stadtteilpost Test {uuid.uuid4().hex[:6]}"

    # A resident finds the newsletter in the footer and subscribes.
    driver.get(base_url + "/")
    driver.find_element(By.CSS_SELECTOR, "footer a[href='/newsletter']").click()
    wait_for(driver, lambda d: d.current_url.endswith("/newsletter"), "the newsletter page")
    assert_page_basics(driver)
    assert_accessible(driver)
    form = find(driver, "form#newsletter-signup")
    form.find_element(By.NAME, "email").send_keys(address)
    assert form.find_element(By.ID, "language-de").is_selected()
    driver.find_element(By.CSS_SELECTOR, "label[for^='field-']").click()
    driver.find_element(By.CSS_SELECTOR, "label[for='consent']").click()
    submit(driver, form)
    assert "Wir haben Ihnen eine E-Mail geschickt" in body_text(driver)
    assert_accessible(driver)

    # She confirms through the link in the message that arrived.
    confirmation = _wait_for_message(address, "bestätigen")
    driver.get(base_url + _path(_link(confirmation, "/newsletter/bestaetigen/")))
    assert_page_basics(driver)
    assert_accessible(driver)
    submit(driver, find(driver, "main form"))
    assert "Ihre Anmeldung ist bestätigt" in body_text(driver)
    assert_accessible(driver)

    # Staff compose an issue from the upcoming events.
    login(driver, base_url, STAFF)
    driver.get(base_url + "/verwaltung/newsletter")
    assert_page_basics(driver)
    assert_accessible(driver)
    form = driver.find_element(By.CSS_SELECTOR, "#ausgabe-neu + * form, section[aria-labelledby='ausgabe-neu'] form")
    form.find_element(By.NAME, "title").send_keys(title)
    submit(driver, form)
    assert_page_basics(driver)
    assert_accessible(driver)
    form = find(driver, "form#issue-form")
    form.find_element(By.NAME, "intro").send_keys("Liebe Nachbarschaft, das steht an.")
    for box in form.find_elements(By.CSS_SELECTOR, "input[name='items[]'][value^='event:']"):
        if not box.is_selected():
            driver.execute_script("arguments[0].click()", box)
    submit(driver, form)
    assert "Die Ausgabe ist gespeichert" in body_text(driver)
    issue_url = driver.current_url

    # The preview shows the mail with its one-click headers.
    driver.find_element(By.LINK_TEXT, "Vorschau der E-Mail").click()
    wait_for(driver, lambda d: d.current_url.endswith("/vorschau"), "the preview")
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in body_text(driver)
    assert "Liebe Nachbarschaft" in find(driver, "#mail-text").text
    assert_accessible(driver)

    # The same selection prints as the Stadtteilzeitung: Chromium's print to PDF, A4, checked with pdfinfo.
    driver.get(issue_url + "/stadtteilzeitung")
    assert_page_basics(driver)
    assert_accessible(driver)
    options = PrintOptions()
    options.page_width = 21.0
    options.page_height = 29.7
    options.background = True
    pdf = tmp_path / "stadtteilzeitung.pdf"
    import base64
    pdf.write_bytes(base64.b64decode(driver.print_page(options)))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
    assert 1 <= pages <= 4, info
    assert abs(width - 595) < 3 and abs(height - 842) < 3, f"not A4:\n{info}"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert title in text and "/veranstaltungen/" in text, text[:2000]
    assert "Abmelden" not in text and "Vorschau der E-Mail" not in text, "navigation printed"

    # Staff send it; it is sent once, and she receives it through SMTP.
    driver.get(issue_url)
    submit(driver, find(driver, "form#send-form"))
    assert "wird verschickt" in body_text(driver)
    assert_accessible(driver)
    newsletter = _wait_for_message(address, title)
    assert newsletter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/newsletter/abmelden/" in newsletter["List-Unsubscribe"]
    content = newsletter.get_body(preferencelist=("plain",)).get_content()
    assert "Liebe Nachbarschaft, das steht an." in content and "Termine" in content

    # The delivery log shows her address as delivered.
    driver.get(issue_url + "/versand")
    def delivered(d):
        d.refresh()
        return address in body_text(d) and "zugestellt" in body_text(d)
    wait_for(driver, delivered, "her delivery in the log", timeout=30)
    assert_page_basics(driver)
    assert_accessible(driver)
    assert len([m for m in _messages_to(address) if title in str(m.get("Subject", ""))]) == 1

    # She leaves with the link in the newsletter.
    driver.delete_all_cookies()
    driver.get(base_url + _path(_link(newsletter, "/newsletter/abmelden/")))
    assert_page_basics(driver)
    assert_accessible(driver)
    submit(driver, find(driver, "main form"))
    assert "Sie sind abgemeldet" in body_text(driver)
    assert_accessible(driver)


def test_bad_signup_and_dead_links(driver, base_url):
    driver.get(base_url + "/newsletter")
    form = find(driver, "form#newsletter-signup")
    form.find_element(By.NAME, "email").send_keys("keine-adresse")
    submit(driver, form)
    text = body_text(driver)
    assert "Bitte bestätigen Sie, dass Sie den Newsletter" in text
    assert_page_basics(driver)
    assert_accessible(driver)
    driver.get(base_url + "/newsletter/bestaetigen/unbekannt")
    assert_page_basics(driver)
    assert_accessible(driver)


def test_demo_issue_log_and_phone(driver, base_url):
    login(driver, base_url, STAFF)
    driver.get(base_url + "/verwaltung/newsletter")
    driver.find_element(By.PARTIAL_LINK_TEXT, "Neues aus Stadtwald").click()
    wait_for(driver, lambda d: "Versandprotokoll" in body_text(d), "the sent demo issue")
    driver.find_element(By.LINK_TEXT, "Versandprotokoll").click()
    wait_for(driver, lambda d: "amira.beispiel@example.org" in body_text(d), "the demo delivery log")
    assert "noch.unbestaetigt@example.com" not in body_text(driver)
    assert_accessible(driver)
    driver.set_window_size(390, 844)
    driver.get(base_url + "/newsletter")
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the sign-up page scrolls sideways on a phone by {overflow}px"
    assert_accessible(driver)
