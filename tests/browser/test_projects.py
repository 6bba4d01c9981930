"""Browser tests for the projects (issue 8, items 1–3).

1. The public overview /projekte shows the programme's course and the demo projects by field of action, hides the
   internal one, filters by phase; a project page shows its course, milestones, news and how to take part. Zero axe
   violations on both.
2. Staff create a public project, add a budget line and a milestone (a negative amount is refused with a message),
   see the sums in German notation, and the project appears on the public pages; the ISEK page is accessible, too.

The session's server is shared with the other test files: the demo projects are only read; the project created here
carries a random tag."""

from __future__ import annotations

import re
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from helpers import (
    STAFF,
    assert_accessible,
    assert_page_basics,
    exists,
    fill,
    find,
    login,
    path_of,
    submit,
    wait_for,
)

PLAYGROUND = "Spielplatz am Hang neu gestalten (Beispiel)"
INTERNAL = "Zwischennutzung Ladenlokal am Marktplatz (Beispiel)"
INITIATIVE = "Gemeinschaftsgarten am Waldrand (Beispiel)"
STAFF_PROJECT_PATH = re.compile(r"^/verwaltung/projekte/([0-9A-Fa-f-]{36})$")


def body_text(driver) -> str:
    """The page's visible text with non-breaking spaces (as in "1.234,56 €") made plain."""
    from helpers import body_text as visible_text
    return visible_text(driver).replace("\u00a0", " ")


def test_public_overview_and_project_page(driver, base_url):
    driver.get(base_url + "/projekte")
    assert_page_basics(driver)
    assert_accessible(driver)
    text = body_text(driver)
    assert "Das Programm" in text and "Konsolidierung" in text and "Verstetigung" in text
    assert PLAYGROUND in text and INITIATIVE in text
    assert INTERNAL not in text, "an internal project is on the public overview"
    assert "Städtebau" in text and "Bewohnerinitiative" in text

    # Filter by phase: only projects in planning remain.
    form = find(driver, "form.filters")
    Select(form.find_element(By.NAME, "phase")).select_by_value("planning")
    submit(driver, form)
    text = body_text(driver)
    assert INITIATIVE in text and PLAYGROUND not in text
    assert_accessible(driver)

    driver.get(base_url + "/projekte")
    driver.find_element(By.LINK_TEXT, PLAYGROUND).click()
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == PLAYGROUND, "the project page")
    assert_page_basics(driver)
    assert_accessible(driver)
    text = body_text(driver)
    for expected in ("So machen Sie mit", "Meilensteine", "Eröffnungsfest", "Neues aus dem Projekt", "Die Bagger sind da",
                     "Städtebauförderung zusammen", "Umsetzung"):
        assert expected in text, f"{expected!r} missing on the project page"
    assert exists(driver, "ol.phase-steps li[aria-current=step]")
    photo = driver.find_element(By.CSS_SELECTOR, "img.diary-photo")
    assert photo.get_attribute("alt"), "the diary photo has no text for screen readers"
    driver.execute_script("arguments[0].scrollIntoView();", photo)  # the photo loads lazily
    wait_for(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", photo),
             "the diary photo to load")


def test_staff_create_a_project_with_budget_and_milestone(driver, base_url):
    tag = uuid.uuid4().hex[:6]
    title = f"Bücherschrank am Marktplatz {tag}"
    login(driver, base_url, STAFF)

    driver.get(base_url + "/verwaltung/isek")
    assert_page_basics(driver)
    assert_accessible(driver)
    assert "1.2 Spiel- und Aufenthaltsflächen" in body_text(driver)

    driver.get(base_url + "/verwaltung/projekte/neu")
    assert_page_basics(driver)
    assert_accessible(driver)
    form = find(driver, "form#project")
    fill(form, "title", title)
    fill(form, "summary", "Ein offener Bücherschrank zum Tauschen, gebaut von Jugendlichen.")
    form.find_element(By.CSS_SELECTOR, "input[type=checkbox][name^=field_]").click()
    fill(form, "lead", "Jugendtreff Ockershausen (Beispiel)")
    fill(form, "participation", "Bücher bringen und mitnehmen – jederzeit.")
    form.find_element(By.NAME, "is_public").click()
    submit(driver, form)
    wait_for(driver, lambda d: STAFF_PROJECT_PATH.match(path_of(d)), "the new project's page")
    project_id = STAFF_PROJECT_PATH.match(path_of(driver)).group(1)
    assert_page_basics(driver)
    assert_accessible(driver)

    # A negative amount is refused with a message, and nothing is stored.
    form = find(driver, "form#budget-line")
    fill(form, "purpose", "Holz und Glas")
    fill(form, "planned", "-5")
    submit(driver, form)
    assert exists(driver, ".error-summary") and "kein gültiger Betrag" in body_text(driver)
    assert not exists(driver, "#budget + .table-wrap")

    form = find(driver, "form#budget-line")
    Select(form.find_element(By.NAME, "source")).select_by_value("state")
    fill(form, "purpose", "Holz und Glas")
    fill(form, "planned", "1.234,56")
    fill(form, "spent", "200")
    submit(driver, form)
    text = body_text(driver)
    assert "1.234,56 €" in text and "1.034,56 €" in text, "planned and remaining in German notation"

    form = find(driver, "form#milestone")
    fill(form, "title", "Einweihung mit Lesung")
    driver.execute_script("arguments[0].value = arguments[1];", form.find_element(By.NAME, "due_on"), "2030-06-01")
    submit(driver, form)
    assert "Einweihung mit Lesung" in body_text(driver)
    assert_accessible(driver)

    driver.get(base_url + f"/projekte/{project_id}")
    assert_page_basics(driver)
    assert_accessible(driver)
    text = body_text(driver)
    assert title in text and "Einweihung mit Lesung" in text and "1.234,56 €" in text
    assert "Jugendtreff Ockershausen (Beispiel)" in text and "Bücher bringen und mitnehmen" in text
