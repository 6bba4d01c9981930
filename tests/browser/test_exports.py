"""Interop tests for the directory exports (issue 3, "Akteure"), against the running demo server.

- The CSV exports are read back with Python's `csv` module (`;`, UTF-8 with BOM: what German Excel opens).
- The vCard export (all persons of a filter, and one person) parses with `vobject`; every card is vCard 4.0
  with FN and UID.
- The exports show the same persons/organisations as the list pages with the same filter.
- Only staff get the exports.

No browser needed: the downloads are fetched with the logged-in `HttpClient` from helpers.py.
"""

from __future__ import annotations

import csv
import html
import io
import re
import urllib.parse

import pytest
import vobject

from helpers import MEMBER, STAFF, HttpClient, RawResponse

BOM = b"\xef\xbb\xbf"
UUID_RE = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
MOJIBAKE = re.compile("Ã.|Â.|\ufffd")

PERSONS_HEADER_START = ["Nachname", "Vorname", "Organisation", "Funktion", "E-Mail"]
# (family, given) -> (organisation, function, e-mail); "" = no function in the demo data.
DEMO_PERSONS = {
    ("Beispiel", "Aylin"): ("Mieterbeirat Stadtwald (Beispiel)", "Vorsitzende", "aylin.beispiel@mieterbeirat.example"),
    ("Probe", "Mariam"): ("Grundschule am Stadtwald (Beispiel)", "Schulsozialarbeiterin", "m.probe@schule.example"),
    ("Muster", "Jonas"): ("GeWoBau Beispiel eG", "Kundenbetreuer Stadtwald", "j.muster@gewobau.example"),
    ("Exempel", "Ali"): ("Stadt Marburg (Beispiel) – Jugendamt", "Sozialarbeiter", "a.exempel@stadt.example"),
    ("Erfunden", "Gül"): ("", "", ""),
}
DEMO_ORGANISATIONS = (
    "Kiosk am Hang (Beispiel)",
    "Mieterbeirat Stadtwald (Beispiel)",
    "GeWoBau Beispiel eG",
    "Bäckerei Musterkorn",
    "Sportverein Grün-Weiß Beispiel",
    "Stadt Marburg (Beispiel) – Jugendamt",
)


@pytest.fixture(scope="module")
def staff(server) -> HttpClient:
    client = HttpClient(server.url)
    client.login(STAFF)
    return client


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------

def _download(client: HttpClient, path: str, content_type: str) -> RawResponse:
    r = client.get_raw(path)
    snippet = r.body[:500].decode("utf-8", "replace")
    assert r.status == 200, f"GET {path} answered {r.status} at {r.url}:\n{snippet}"
    ctype = r.header("Content-Type").lower()
    assert ctype.startswith(content_type), f"GET {path}: Content-Type is {ctype!r}, expected {content_type}"
    assert "charset=utf-8" in ctype.replace(" ", ""), f"GET {path}: Content-Type {ctype!r} should say charset=utf-8"
    assert "attachment" in r.header("Content-Disposition").lower(), \
        f"GET {path} should be a download (Content-Disposition: attachment), has {r.header('Content-Disposition')!r}"
    return r


def _read_csv(r: RawResponse) -> tuple[list[str], list[list[str]]]:
    assert r.body.startswith(BOM), f"{r.url}: CSV must start with a UTF-8 BOM (German Excel), starts {r.body[:12]!r}"
    text = r.body.decode("utf-8-sig")  # raises on invalid UTF-8: that is a failure, too
    assert not text.startswith("\ufeff"), f"{r.url}: more than one BOM"
    assert not MOJIBAKE.search(text), f"{r.url}: looks double-encoded: {MOJIBAKE.search(text).group(0)!r}"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows, f"{r.url}: empty CSV"
    header, data = rows[0], [row for row in rows[1:] if row]
    for i, row in enumerate(data, start=2):
        assert len(row) == len(header), \
            f"{r.url}: line {i} has {len(row)} fields, the header {len(header)}: {row}"
    return header, data


def _list_page(client: HttpClient, path: str, kind: str) -> tuple[list[str], int]:
    """(link texts of the table rows, total from "(N Einträge)") of a list page like /verwaltung/personen."""
    r = client.get(path)
    assert r.status == 200, f"GET {path} answered {r.status}"
    tbody = r.text.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in r.text else ""
    names = [html.unescape(n).strip()
             for n in re.findall(rf'<a href="/verwaltung/{kind}/{UUID_RE}">([^<]*)</a>', tbody)]
    m = re.search(r"\((\d+) Eintr", r.text)
    total = int(m.group(1)) if m else len(names)
    return names, total


def _read_vcards(r: RawResponse) -> list:
    raw = r.body
    assert not raw.startswith(BOM), f"{r.url}: a vCard must not start with a BOM"
    text = raw.decode("utf-8")
    assert not MOJIBAKE.search(text), f"{r.url}: looks double-encoded: {MOJIBAKE.search(text).group(0)!r}"
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b""), f"{r.url}: vCard lines must end in CRLF (RFC 6350 3.2)"
    too_long = [line for line in lines if len(line) > 75]
    assert not too_long, f"{r.url}: lines must be folded at 75 octets (RFC 6350 3.2): {too_long[:3]}"
    try:
        cards = list(vobject.readComponents(text))
    except Exception as e:  # vobject raises ParseError and friends
        pytest.fail(f"{r.url}: vobject cannot parse the export: {type(e).__name__}: {e}\n{text[:1500]}", pytrace=False)
    for card in cards:
        assert card.name == "VCARD", f"{r.url}: unexpected component {card.name}"
        contents = card.contents
        assert "version" in contents and card.version.value == "4.0", \
            f"{r.url}: card without VERSION:4.0:\n{card.serialize() if hasattr(card, 'serialize') else card}"
        assert "fn" in contents and card.fn.value.strip(), f"{r.url}: card without FN: {contents.keys()}"
        assert "uid" in contents and card.uid.value.strip(), f"{r.url}: card {card.fn.value!r} has no UID"
        assert len(contents["version"]) == 1, f"{r.url}: card {card.fn.value!r} has several VERSION lines"
    uids = [c.uid.value for c in cards]
    assert len(set(uids)) == len(uids), f"{r.url}: UIDs are not unique: {uids}"
    return cards


def _by_fn(cards) -> dict:
    return {c.fn.value: c for c in cards}


def _list_name_to_fn(name: str) -> str:
    """'Probe, Mariam' (list) -> 'Mariam Probe' (FN)."""
    family, _, given = name.partition(", ")
    return f"{given} {family}".strip()


# ------------------------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------------------------

def test_persons_csv_reads_back_with_semicolons(staff):
    r = _download(staff, "/verwaltung/export/personen.csv", "text/csv")
    header, rows = _read_csv(r)
    assert header[:5] == PERSONS_HEADER_START, f"header starts {header[:5]}, expected {PERSONS_HEADER_START}"
    assert len(set(header)) == len(header), f"duplicate columns in {header}"

    _, total = _list_page(staff, "/verwaltung/personen", "personen")
    assert len(rows) >= total, f"persons CSV has {len(rows)} rows, the list counts {total} persons"
    assert len(rows) >= len(DEMO_PERSONS)

    col = {name: i for i, name in enumerate(header)}
    by_name = {}
    for row in rows:
        by_name.setdefault((row[col["Nachname"]], row[col["Vorname"]]), []).append(row)
    for (family, given), (org, function, mail) in DEMO_PERSONS.items():
        assert (family, given) in by_name, \
            f"{given} {family} missing from the persons CSV (umlauts intact?); names: {sorted(by_name)}"
        if not org:
            continue
        found = [(row[col["Organisation"]], row[col["Funktion"]], row[col["E-Mail"]]) for row in by_name[(family, given)]]
        assert (org, function, mail) in found, \
            f"{given} {family}: expected organisation/function/e-mail {(org, function, mail)}, CSV has {found}"


def test_persons_csv_follows_the_list_filter(staff):
    names, total = _list_page(staff, "/verwaltung/personen?q=Probe", "personen")
    assert names and total == len(names), f"the list for q=Probe should fit on one page: {names}, total {total}"
    _, rows = _read_csv(_download(staff, "/verwaltung/export/personen.csv?q=Probe", "text/csv"))
    exported = sorted({f"{row[0]}, {row[1]}" for row in rows})
    assert exported == sorted(names), f"CSV for q=Probe lists {exported}, the list page {sorted(names)}"


def test_organisations_csv_reads_back_with_semicolons(staff):
    r = _download(staff, "/verwaltung/export/organisationen.csv", "text/csv")
    header, rows = _read_csv(r)
    assert header and header[0] == "Name", f"organisations CSV header should start with 'Name': {header}"
    assert len(set(header)) == len(header), f"duplicate columns in {header}"
    names = [row[0] for row in rows]
    _, total = _list_page(staff, "/verwaltung/organisationen", "organisationen")
    assert len(names) == total, f"organisations CSV has {len(names)} rows, the list counts {total}"
    assert len(set(names)) == len(names), f"organisations repeated in the CSV: {names}"
    for expected in DEMO_ORGANISATIONS:
        assert expected in names, f"{expected!r} missing from the organisations CSV (umlauts/dashes intact?): {names}"


def test_outreach_csv_matches_the_outreach_list(staff):
    listed, total = _list_page(staff, "/verwaltung/reichweite?monate=6", "organisationen")
    assert listed and total == len(listed), f"outreach list should fit on one page: {listed}, total {total}"
    _, rows = _read_csv(_download(staff, "/verwaltung/export/organisationen.csv?monate=6", "text/csv"))
    exported = [row[0] for row in rows]
    assert sorted(exported) == sorted(listed), \
        f"organisations.csv?monate=6 lists {sorted(exported)}, /verwaltung/reichweite?monate=6 {sorted(listed)}"


# ------------------------------------------------------------------------------------------------
# vCard
# ------------------------------------------------------------------------------------------------

def test_persons_vcf_parses_with_vobject(staff):
    cards = _read_vcards(_download(staff, "/verwaltung/export/personen.vcf", "text/vcard"))
    _, total = _list_page(staff, "/verwaltung/personen", "personen")
    assert len(cards) == total, f"personen.vcf has {len(cards)} cards, the persons list counts {total}"
    for card in cards:
        assert card.uid.value.lower().startswith("urn:uuid:"), f"UID should be a urn:uuid:, is {card.uid.value!r}"
    fns = _by_fn(cards)

    aylin = fns.get("Aylin Beispiel")
    assert aylin is not None, f"no card for Aylin Beispiel: {sorted(fns)}"
    assert "org" in aylin.contents, f"Aylin Beispiel (Vorsitzende, Mieterbeirat) has no ORG:\n{aylin.serialize()}"
    assert aylin.org.value == ["Mieterbeirat Stadtwald (Beispiel)"], f"ORG is {aylin.org.value!r}"
    assert "title" in aylin.contents and aylin.title.value == "Vorsitzende", "TITLE should be the function"
    assert aylin.email.value == "aylin.beispiel@mieterbeirat.example"
    assert aylin.n.value.family == "Beispiel" and aylin.n.value.given == "Aylin", f"N is {aylin.n.value!r}"

    ali = fns.get("Ali Exempel")
    assert ali is not None and "org" in ali.contents, f"Ali Exempel needs a card with ORG: {sorted(fns)}"
    assert ali.org.value == ["Stadt Marburg (Beispiel) – Jugendamt"], f"ORG is {ali.org.value!r}"

    gul = fns.get("Gül Erfunden")
    assert gul is not None, f"no card with FN 'Gül Erfunden' (umlauts intact?): {sorted(fns)}"
    assert gul.n.value.given == "Gül" and gul.n.value.family == "Erfunden", f"N is {gul.n.value!r}"


@pytest.mark.parametrize("query", ["q=Probe", "einwilligung=newsletter"])
def test_persons_vcf_follows_the_list_filter(staff, query):
    names, total = _list_page(staff, f"/verwaltung/personen?{query}", "personen")
    assert total == len(names), f"the list for {query} should fit on one page: {names}, total {total}"
    assert names, f"the demo list for {query} should not be empty"
    cards = _read_vcards(_download(staff, f"/verwaltung/export/personen.vcf?{query}", "text/vcard"))
    got = sorted(c.fn.value for c in cards)
    expected = sorted(_list_name_to_fn(n) for n in names)
    assert got == expected, f"personen.vcf?{query} has {got}, /verwaltung/personen?{query} lists {expected}"


def test_single_person_vcard(staff):
    r = staff.get("/verwaltung/personen?" + urllib.parse.urlencode({"q": "m.probe@schule.example"}))
    m = re.search(rf'href="/verwaltung/personen/({UUID_RE})">Probe, Mariam<', r.text)
    assert m, f"Mariam Probe not found in /verwaltung/personen?q=m.probe@schule.example (status {r.status})"
    person_id = m.group(1)
    cards = _read_vcards(_download(staff, f"/verwaltung/personen/{person_id}/vcard", "text/vcard"))
    assert len(cards) == 1, f"one person's vCard should hold one card, has {len(cards)}"
    card = cards[0]
    assert card.fn.value == "Mariam Probe"
    assert card.uid.value.lower() == f"urn:uuid:{person_id.lower()}", \
        f"UID should be urn:uuid:{person_id.lower()}, is {card.uid.value!r}"
    assert card.email.value == "m.probe@schule.example"
    assert card.org.value == ["Grundschule am Stadtwald (Beispiel)"]

    missing = staff.get_raw("/verwaltung/personen/00000000-0000-0000-0000-000000000000/vcard")
    assert missing.status == 404, f"vCard of an unknown person answered {missing.status}"


# ------------------------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------------------------

EXPORTS = [
    "/verwaltung/export/personen.csv",
    "/verwaltung/export/organisationen.csv",
    "/verwaltung/export/personen.vcf",
]


@pytest.mark.parametrize("path", EXPORTS)
def test_exports_need_staff(server, path):
    anonymous = HttpClient(server.url).get_raw(path)
    ctype = anonymous.header("Content-Type").lower()
    assert not (anonymous.status == 200 and ("csv" in ctype or "vcard" in ctype)), \
        f"{path} delivers data without login ({anonymous.status}, {ctype})"
    assert anonymous.status in (401, 403) or urllib.parse.urlsplit(anonymous.url).path == "/anmelden", \
        f"{path} without login answered {anonymous.status} at {anonymous.url}"

    member = HttpClient(server.url)
    member.login(MEMBER)
    r = member.get_raw(path)
    assert r.status == 403, f"{path} for a member answered {r.status} ({r.header('Content-Type')})"
    assert b"aylin.beispiel@" not in r.body and b"Kiosk am Hang" not in r.body, f"{path} leaks directory data to a member"


def test_meeting_feed_parses_with_icalendar(server):
    """The public meetings feed is read by the icalendar package: stable UIDs, Berlin times, only public data."""
    import icalendar
    import urllib.request

    with urllib.request.urlopen(server.url + "/gremien/sitzungen.ics") as response:
        assert response.headers["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.read())
    events = [component for component in calendar.walk("VEVENT")]
    assert events, "the demo AK Stadtwald has meetings"
    assert all(str(event["UID"]).startswith("meeting-") for event in events)
    assert len({str(event["UID"]) for event in events}) == len(events)
    assert all(str(event["SUMMARY"]) == "Sitzung: AK Stadtwald (Beispiel)" for event in events)
    start = events[0].decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset().total_seconds() in (3600, 7200)
    assert "Personalangelegenheiten" not in calendar.to_ical().decode()
