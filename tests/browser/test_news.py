"""Browser test of Öffentlichkeitsarbeit (issue 9: news, translations, the A4 notice, the start page).

Staff write a news item and translate it into Arabic; a resident switches the content language to Arabic and reads
it right to left (dir="rtl", lang="ar"), sees an untranslated item in German with a note, and reads the translated
district festival; the festival's A4 notice prints to a one-page PDF with Chromium's print to PDF (checked with
pdfinfo from poppler-utils). Every page on the way has zero axe violations.

The session's server is shared with the other test files: the demo's news are only read; the item this test writes
is its own (its title carries a random tag)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import uuid

import pytest

from helpers import (
    STAFF,
    assert_accessible,
    assert_page_basics,
    body_text,
    find,
    login,
    logout,
    path_of,
    submit,
    fill,
    wait_for,
)

FESTIVAL = "Stadtteilfest am Hang (Beispiel)"


def _direction(driver, element) -> str:
    return driver.execute_script("return getComputedStyle(arguments[0]).direction", element)


def test_staff_write_and_translate_resident_reads_arabic(driver, server):
    tag = uuid.uuid4().hex[:6]
    title = f"Lesecafé im Stadtteilbüro {tag}"

    # Staff write a news item and translate it into Arabic.
    login(driver, server.url, STAFF)
    driver.get(server.url + "/verwaltung/aktuelles")
    assert_page_basics(driver)
    assert_accessible(driver)
    find(driver, "a[href='/verwaltung/aktuelles/neu']").click()
    form = wait_for(driver, lambda d: d.find_elements("css selector", "form#news") or False, "the news form")[0]
    assert_accessible(driver)
    fill(form, "title", title)
    fill(form, "teaser", "Jeden Freitag lesen wir gemeinsam Zeitung.")
    fill(form, "body", "Kommen Sie **freitags um 10 Uhr**. Mehr im [Kalender](/veranstaltungen).")
    box = find(form, "input[name='fields[]']")
    field_name = find(form, f"label[for='{box.get_attribute('id')}']").text
    box.click()
    submit(driver, form)
    wait_for(driver, lambda d: d.find_elements("css selector", "p.notice") or False, "the saved notice")
    assert "Veröffentlicht" in body_text(driver)
    find(driver, "a[href^='/verwaltung/uebersetzungen/news/']").click()
    wait_for(driver, lambda d: "/verwaltung/uebersetzungen/" in path_of(d), "the translation page")
    find(driver, "a[href$='?sprache=ar']").click()
    form = wait_for(driver, lambda d: d.find_elements("css selector", "form#translation") or False, "the translation form")[0]
    assert find(form, "#title").get_attribute("dir") == "rtl", "Arabic is typed right to left"
    assert_accessible(driver)
    fill(form, "title", f"مقهى القراءة {tag}")
    fill(form, "summary", "نقرأ الجريدة معاً كل يوم جمعة.")
    fill(form, "body", "تعالوا **أيام الجمعة الساعة 10**.")
    submit(driver, form)
    wait_for(driver, lambda d: d.find_elements("css selector", "p.notice") or False, "the saved translation")
    logout(driver)

    # A resident switches the content language to Arabic in the language menu.
    driver.get(server.url + "/")
    assert_page_basics(driver)
    arabic_link = find(driver, 'nav#sprache a[hreflang="ar"]')
    assert arabic_link.get_attribute("lang") == "ar"
    arabic_link.click()
    wait_for(driver, lambda d: d.find_elements("css selector", 'nav#sprache a[hreflang="ar"][aria-current]') or False, "Arabic chosen")
    assert_accessible(driver)

    # The news list and the item read right to left.
    driver.get(server.url + "/aktuelles")
    assert_accessible(driver)
    find(driver, "a[href^='/aktuelles/']")
    links = [a for a in driver.find_elements("css selector", ".news-list a") if tag in a.text]
    assert links, "the translated title is in the list"
    links[0].click()
    article = wait_for(driver, lambda d: d.find_elements("css selector", "article.news-item") or False, "the news item")[0]
    assert article.get_attribute("lang") == "ar" and article.get_attribute("dir") == "rtl"
    assert _direction(driver, article) == "rtl"
    assert f"مقهى القراءة {tag}" in find(driver, "h1").text
    assert "أيام الجمعة الساعة 10" in find(article, "strong").text
    assert field_name in find(article, ".meta").text, "the field of action chosen by staff"
    assert not driver.find_elements("css selector", "p.language-note"), "no fallback note where a translation exists"
    assert find(driver, 'nav.alternates a[hreflang="de"]').get_attribute("lang") == "de"
    assert_accessible(driver)

    # An item without an Arabic translation shows in German, with a visible note.
    driver.get(server.url + "/aktuelles")
    untranslated = [a for a in driver.find_elements("css selector", ".news-list a") if "Sprechzeiten" in a.text]
    assert untranslated
    untranslated[0].click()
    note = wait_for(driver, lambda d: d.find_elements("css selector", "p.language-note") or False, "the fallback note")[0]
    assert "العربية" in note.text
    assert find(driver, "article.news-item").get_attribute("lang") == "de"
    assert_accessible(driver)

    # Back to German for the other tests' sake (cookies live in this driver only, but be tidy).
    find(driver, 'nav#sprache a[hreflang="de"]').click()
    wait_for(driver, lambda d: d.find_elements("css selector", 'nav#sprache a[hreflang="de"][aria-current]') or False, "German chosen")


def test_event_in_arabic_and_its_notice_prints_on_one_a4_page(driver, server, tmp_path):
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo (poppler-utils) is needed to check the printed notice", pytrace=False)

    # The festival in Arabic: its translation is marked right to left.
    driver.get(server.url + "/veranstaltungen")
    find(driver, "a[href^='/veranstaltungen/']")
    festival = [a for a in driver.find_elements("css selector", "main a") if a.text.strip() == FESTIVAL]
    assert festival, "the demo festival is in the calendar"
    event_path = festival[0].get_attribute("href").replace(server.url, "")
    driver.get(server.url + "/inhaltssprache/ar?zurueck=" + event_path.replace("/", "%2F"))
    section = wait_for(driver, lambda d: d.find_elements("css selector", "section.translation") or False, "the Arabic translation")[0]
    assert section.get_attribute("dir") == "rtl" and section.get_attribute("lang") == "ar"
    assert _direction(driver, section) == "rtl"
    assert_page_basics(driver)
    assert_accessible(driver)

    # The A4 notice, in Arabic as chosen, with the address written out.
    find(driver, "a[href$='/aushang']").click()
    wait_for(driver, lambda d: path_of(d).endswith("/aushang"), "the notice")
    assert_page_basics(driver)
    assert find(driver, "main article").get_attribute("dir") == "rtl"
    assert (server.url + event_path) in find(driver, ".address").text
    assert_accessible(driver)

    # Chromium's print to PDF, with the page size the print stylesheet asks for.
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})
    path = tmp_path / "aushang.pdf"
    path.write_bytes(base64.b64decode(pdf["data"]))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert pages == 1, info
    width, height = float(size.group(1)), float(size.group(2))
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, f"not A4: {info}"

    # The same notice in German for the stairwell next door.
    driver.get(driver.current_url.split("?")[0] + "?sprache=de")
    assert FESTIVAL in find(driver, "h1").text
    assert "Stadtteilbüro" in body_text(driver)
