"""Open311 GeoReport v2: the PyPI client `georeport` reads services, a service definition, request lists with
filters and single requests from Quartier in JSON and XML; POST (which `georeport` does not offer) is checked with
plain HTTP. The server is `base_url` from conftest.py.
"""
from __future__ import annotations

import re
import time

import pytest
import requests
from georeport import GeoReport

ADMIN = ("admin@stadtwald.example", "quartier-demo")


def _as_list(value):
    """xmltodict gives a dict for one element and a list for several."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_and_definition(base_url, fmt):
    client = GeoReport(base_url + "/open311/v2", output_format=fmt)
    services = _as_list(client.get_service_list())
    codes = {s["service_code"]: s for s in services}
    assert "wege" in codes and "spielplatz" in codes, codes.keys()
    assert codes["wege"]["service_name"] == "Wege, Barrierefreiheit und Beleuchtung"
    assert str(codes["wege"]["metadata"]).lower() == "false"
    assert codes["wege"]["type"] == "realtime"
    definition = client.get_service_definition("wege")
    assert definition["service_code"] == "wege"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_lists_with_filters_and_single_requests(base_url, fmt):
    client = GeoReport(base_url + "/open311/v2", output_format=fmt)
    everything = _as_list(client.get_service_requests())
    assert len(everything) >= 8, "the demo district has public concerns from the last 90 days"
    closed = _as_list(client.get_service_requests(status="closed"))
    assert closed and all(r["status"] == "closed" for r in closed)
    opened = _as_list(client.get_service_requests(status="open"))
    assert opened and all(r["status"] == "open" for r in opened)
    assert len(closed) + len(opened) == len(everything)
    paths = _as_list(client.get_service_requests(service_code="wege"))
    assert paths and all(r["service_code"] == "wege" for r in paths)
    assert any(r["title"] == "Laterne am Treppenweg ist seit Wochen dunkel" for r in paths)
    both = _as_list(client.get_service_requests(service_code="wege,spielplatz"))
    assert {r["service_code"] for r in both} == {"wege", "spielplatz"}
    recent = _as_list(client.get_service_requests(start_date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 14 * 86400))))
    assert recent and len(recent) < len(everything)
    some = [r["service_request_id"] for r in everything[:2]]
    chosen = _as_list(client.get_service_requests(service_request_id=",".join(some)))
    assert sorted(r["service_request_id"] for r in chosen) == sorted(some)
    one = client.get_service_request(some[0])
    assert one["service_request_id"] == some[0]
    assert one["requested_datetime"].endswith("Z")
    with_place = [r for r in everything if r.get("lat")]
    assert with_place and 50 < float(with_place[0]["lat"]) < 51 and 8 < float(with_place[0]["long"]) < 9


def test_errors_have_the_standard_shape(base_url):
    r = requests.get(base_url + "/open311/v2/requests/00000000-0000-0000-0000-000000000000.json")
    assert r.status_code == 404
    assert r.json()[0]["code"] == 404 and r.json()[0]["description"]
    r = requests.get(base_url + "/open311/v2/services/gibt-es-nicht.xml")
    assert r.status_code == 404 and "<errors><error><code>404</code>" in r.text
    r = requests.get(base_url + "/open311/v2/requests.json", params={"status": "halb"})
    assert r.status_code == 400


def _issue_key(base_url) -> str:
    admin = requests.Session()
    page = admin.get(base_url + "/anmelden").text
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    r = admin.post(base_url + "/anmelden", data={"email": ADMIN[0], "password": ADMIN[1], "_csrf": token})
    assert r.status_code == 200, r.status_code
    page = admin.get(base_url + "/verwaltung/admin/open311").text
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    page = admin.post(base_url + "/verwaltung/admin/open311", data={"name": "Interop-Test", "_csrf": token}).text
    return re.search(r'<code id="new-key">([^<]+)</code>', page).group(1)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_with_a_key_and_without(base_url, fmt):
    url = f"{base_url}/open311/v2/requests.{fmt}"
    form = {"service_code": "sauberkeit", "description": "Glasscherben am Spielplatzeingang", "lat": "50.7907", "long": "8.7570"}
    r = requests.post(url, data=form)
    assert r.status_code == 403
    r = requests.post(url, data={**form, "api_key": "falsch"})
    assert r.status_code == 403
    key = _issue_key(base_url)
    r = requests.post(url, data={**form, "api_key": key, "service_code": ""})
    assert r.status_code == 400
    r = requests.post(url, data={**form, "api_key": key, "lat": "Norden"})
    assert r.status_code == 400
    r = requests.post(url, data={**form, "api_key": key})
    assert r.status_code == 201, r.text
    if fmt == "json":
        token = r.json()[0]["token"]
    else:
        token = re.search(r"<token>([^<]+)</token>", r.text).group(1)
    answer = requests.get(f"{base_url}/open311/v2/tokens/{token}.json")
    assert answer.status_code == 200 and answer.json()[0]["token"] == token
