"""Browser test for committees (issue 4, first part): the manager opens the AK Stadtwald, its next meeting,
adds an agenda item and marks the meeting as invited; axe checks every page visited."""

from __future__ import annotations

import uuid

from selenium.webdriver.common.by import By

from helpers import STAFF, assert_accessible, assert_page_basics, body_text, fill, find, login, submit, wait_for_css


def test_staff_prepares_next_working_group_meeting(driver, base_url):
    login(driver, base_url, STAFF)
    driver.get(base_url + "/verwaltung/gremien")
    assert_page_basics(driver)
    assert_accessible(driver)

    driver.find_element(By.LINK_TEXT, "AK Stadtwald (Beispiel)").click()
    wait_for_css(driver, "form#membership")
    assert "Kommende Sitzungen" in body_text(driver)
    assert_accessible(driver)

    upcoming = driver.find_elements(By.CSS_SELECTOR, "main ul li a[href^='/verwaltung/sitzungen/']")
    assert upcoming, "the demo AK has an upcoming meeting"
    upcoming[0].click()
    form = wait_for_css(driver, "form#agenda-item")
    assert_accessible(driver)

    title = f"Verschiedenes {uuid.uuid4().hex[:6]}"
    fill(form, "title", title)
    submit(driver, form)
    wait_for_css(driver, ".notice")
    assert title in body_text(driver)

    find(driver, "form.inline-form button[value='invited']").click()
    wait_for_css(driver, ".notice")
    assert "eingeladen" in body_text(driver)
    assert_accessible(driver)


def test_resident_sees_public_committees(driver, base_url):
    driver.get(base_url + "/gremien")
    assert_page_basics(driver)
    text = body_text(driver)
    assert "AK Stadtwald (Beispiel)" in text
    assert "Steuerungsgruppe" not in text
    assert_accessible(driver)
