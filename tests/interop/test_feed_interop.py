"""News feed and sitemap read by third-party parsers: the Atom feed (RFC 4287) parses with Python's feedparser
without a bozo error, the sitemap is well-formed XML in the sitemaps.org namespace, robots.txt is understood by
Python's robotparser. The server is `base_url` from conftest.py.
"""
from __future__ import annotations

import urllib.robotparser
import xml.etree.ElementTree as ET

import feedparser
import requests

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_atom_feed_parses_without_bozo(base_url):
    response = requests.get(base_url + "/aktuelles.atom", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content, response_headers={"content-type": response.headers["Content-Type"]})
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title.startswith("Aktuelles aus")
    assert any(link.rel == "self" and link.href == base_url + "/aktuelles.atom" for link in feed.feed.links)
    titles = [entry.title for entry in feed.entries]
    # The demo has published items, one scheduled for next week and a draft: only the published ones are in.
    assert "Neuer Gemeinschaftsgarten: Beete zu vergeben (Beispiel)" in titles
    assert not any("geplant" in title or "Entwurf" in title for title in titles), titles
    for entry in feed.entries:
        assert entry.id.startswith("urn:uuid:")
        assert entry.link.startswith(base_url + "/aktuelles/")
        assert entry.published_parsed and entry.updated_parsed
        assert entry.content[0].type == "text/html"
        assert "<script" not in entry.content[0].value
    garden = next(e for e in feed.entries if e.title.startswith("Neuer Gemeinschaftsgarten"))
    assert "<strong>Waldrand 8</strong>" in garden.content[0].value
    # Site-relative links in the text get the full address, so they work in a feed reader.
    assert f'href="{base_url}/projekte"' in garden.content[0].value
    assert {tag.term for tag in garden.tags} >= {"Soziales"}


def test_sitemap_is_valid_xml_with_public_pages_only(base_url):
    response = requests.get(base_url + "/sitemap.xml", timeout=10)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == SITEMAP_NS + "urlset"
    locations = [url.findtext(SITEMAP_NS + "loc") for url in root.findall(SITEMAP_NS + "url")]
    assert base_url + "/" in locations and base_url + "/aktuelles" in locations
    assert base_url + "/seiten/mitmachen" in locations
    assert any(loc.startswith(base_url + "/aktuelles/") for loc in locations)
    assert any(loc.startswith(base_url + "/veranstaltungen/") for loc in locations)
    assert not any("/verwaltung" in loc for loc in locations)
    assert len(locations) == len(set(locations)), "no address twice"


def test_robots_txt_keeps_crawlers_out_of_the_back_office(base_url):
    response = requests.get(base_url + "/robots.txt", timeout=10)
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(response.text.splitlines())
    assert parser.can_fetch("*", base_url + "/aktuelles")
    assert not parser.can_fetch("*", base_url + "/verwaltung/aktuelles")
    assert parser.site_maps() == [base_url + "/sitemap.xml"]
