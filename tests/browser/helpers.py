"""Helpers shared by the browser tests: axe checks, waiting, logging in, a small HTTP client.

Selenium cannot see HTTP status codes, so status checks (400, 403, 404) go through `HttpClient`,
a cookie-aware urllib client; what the page looks like and whether it is accessible is checked in
the browser.
"""

from __future__ import annotations

import http.cookiejar
import importlib.util
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axe_selenium_python import Axe
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

DEMO_PASSWORD = "quartier-demo"
ADMIN = "admin@stadtwald.example"
STAFF = "team@stadtwald.example"
MEMBER = "mitglied@stadtwald.example"

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# What must never reach a user: Swift/Vapor/NIO internals and stack traces.
STACK_TRACE = re.compile(
    r"Fatal error|Stack ?trace|Backtrace|Traceback \(most recent|\.swift:\d+|\bAbort\.\w+|NIOCore|"
    r"FluentKit|SQLiteNIO|PSQLError|DecodingError",
    re.IGNORECASE,
)

TIMEOUT = 15


# ------------------------------------------------------------------------------------------------
# Browser helpers
# ------------------------------------------------------------------------------------------------

def _axe_script() -> str | None:
    """The axe-core build to inject.

    AXE_SCRIPT (env) wins; then the newest axe-core shipped as a plain axe.min.js by an installed
    package: axe-playwright-python (axe-core 4.12), then axe-core-python (4.4.3); else
    axe-selenium-python's bundled copy (3.1.1 there, which rejects the WCAG 2.1 tags).

    axe-core 4.4.3 does not know that the content of a closed <details> is not rendered in current
    Chromium and reports text next to it as low-contrast against a hidden button (a false positive).
    """
    if os.environ.get("AXE_SCRIPT"):
        return os.environ["AXE_SCRIPT"]
    for package in ("axe_playwright_python", "axe_core_python"):
        spec = importlib.util.find_spec(package)  # does not import it
        if spec and spec.submodule_search_locations:
            candidate = Path(list(spec.submodule_search_locations)[0]) / "axe.min.js"
            if candidate.is_file():
                return str(candidate)
    return None


_AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, %s).then(
    function (r) { done({ok: true, version: axe.version, violations: r.violations}); },
    function (e) { done({ok: false, version: axe.version, error: String(e)}); });
"""


def assert_accessible(driver: WebDriver) -> None:
    """Run axe (WCAG 2.0/2.1 A and AA rules) on the current page; fail on any violation."""
    script = _axe_script()
    axe = Axe(driver, script_url=script) if script else Axe(driver)
    axe.inject()
    # Like Axe.run(), but a rejected promise is reported instead of ending in a script timeout.
    results = driver.execute_async_script(_AXE_RUN % json.dumps(AXE_OPTIONS))
    if not results.get("ok"):
        pytest.fail(
            f"axe {results.get('version')} could not run on {driver.current_url}: {results.get('error')}"
            + (" (axe-core >= 4 is needed for the WCAG 2.1 tags; pip install axe-core-python)"
               if str(results.get("version", "")).startswith(("1.", "2.", "3.")) else ""),
            pytrace=False,
        )
    violations = results.get("violations", [])
    if not violations:
        return
    lines = [f"{len(violations)} accessibility violation(s) on {driver.current_url}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v.get('help')} ({v.get('helpUrl')})")
        for node in v.get("nodes", []):
            target = " >> ".join(
                t if isinstance(t, str) else " ".join(map(str, t)) for t in node.get("target", [])
            )
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " | ")
            if summary:
                lines.append(f"       {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


def path_of(driver: WebDriver) -> str:
    return urllib.parse.urlsplit(driver.current_url).path


def html_lang(driver: WebDriver) -> str:
    return driver.execute_script("return document.documentElement.getAttribute('lang') || ''")


def body_text(driver: WebDriver) -> str:
    # The rendered text (what a user sees); use text_content() for visually hidden elements.
    return driver.execute_script("return document.body ? document.body.innerText : ''")


def text_content(element) -> str:
    return (element.get_attribute("textContent") or "").strip()


def wait_for(driver: WebDriver, condition, message: str, timeout: float = TIMEOUT):
    try:
        return WebDriverWait(driver, timeout).until(lambda d: condition(d))
    except TimeoutException:
        excerpt = body_text(driver)[:1500]
        pytest.fail(
            f"Timed out after {timeout}s waiting for: {message}\n"
            f"URL: {driver.current_url}\nPage text (start):\n{excerpt}",
            pytrace=False,
        )


def wait_for_css(driver: WebDriver, selector: str, timeout: float = TIMEOUT):
    def found(d):
        els = d.find_elements(By.CSS_SELECTOR, selector)
        return els[0] if els else False

    return wait_for(driver, found, f"element {selector!r}", timeout)


def find(driver_or_element, selector: str):
    try:
        return driver_or_element.find_element(By.CSS_SELECTOR, selector)
    except NoSuchElementException:
        url = getattr(driver_or_element, "current_url", "")
        pytest.fail(f"element {selector!r} not found {('on ' + url) if url else ''}", pytrace=False)


def exists(driver_or_element, selector: str) -> bool:
    return bool(driver_or_element.find_elements(By.CSS_SELECTOR, selector))


def submit_button(form):
    buttons = form.find_elements(By.CSS_SELECTOR, "button[type=submit], input[type=submit]")
    if not buttons:  # a <button> without type is a submit button, too
        buttons = [b for b in form.find_elements(By.CSS_SELECTOR, "button")
                   if (b.get_attribute("type") or "submit") == "submit"]
    assert buttons, f"form#{form.get_attribute('id')} has no submit button"
    return buttons[0]


def submit(driver: WebDriver, form) -> None:
    """Click the form's submit button and wait until the browser has left the old page."""
    form_id = form.get_attribute("id")
    submit_button(form).click()
    wait_for(driver, lambda d: _is_stale(form), f"the page to change after submitting form#{form_id}")


def _is_stale(element) -> bool:
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        # Chromium sometimes reports an element of the previous document this way instead of as stale.
        if "does not belong to the document" in str(e):
            return True
        raise


def fill(form, name: str, value: str) -> None:
    field = form.find_element(By.NAME, name)
    field.clear()
    if value:
        field.send_keys(value)


def assert_no_stack_trace(text: str) -> None:
    m = STACK_TRACE.search(text)
    assert m is None, f"page leaks internals ({m.group(0)!r}):\n{text[:1500]}"


def assert_page_basics(driver: WebDriver, lang: str = "de") -> None:
    """Every page: the expected language, exactly one visible h1, no stack trace."""
    assert html_lang(driver) == lang, f"<html lang> is {html_lang(driver)!r}, expected {lang!r} on {driver.current_url}"
    h1 = driver.find_elements(By.TAG_NAME, "h1")
    assert h1 and text_content(h1[0]), f"no non-empty <h1> on {driver.current_url}"
    assert_no_stack_trace(body_text(driver))


def login(driver: WebDriver, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form; checks the login page with axe on the way."""
    driver.get(base_url + "/anmelden")
    assert_page_basics(driver)
    form = find(driver, "form#login")
    assert_accessible(driver)
    fill(form, "email", email)
    fill(form, "password", password)
    submit(driver, form)
    wait_for(
        driver,
        lambda d: exists(d, "form#logout"),
        f"being logged in as {email} (form#logout in the header)",
    )


def open_menu(driver: WebDriver) -> None:
    """On a phone the site menu is folded away behind "Menü": open it as a person would, by its summary."""
    menu = driver.find_elements(By.CSS_SELECTOR, "details.site-menu")
    if menu and not menu[0].get_attribute("open"):
        menu[0].find_element(By.CSS_SELECTOR, "summary").click()
        wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "details.site-menu").get_attribute("open") is not None, "the menu to open")


def logout(driver: WebDriver) -> None:
    open_menu(driver)
    form = find(driver, "form#logout")
    submit(driver, form)
    wait_for(driver, lambda d: not exists(d, "form#logout"), "being logged out (no form#logout)")


# ------------------------------------------------------------------------------------------------
# HTTP helpers (status codes)
# ------------------------------------------------------------------------------------------------

class _FormParser(HTMLParser):
    """Collects action, method and the named fields' values of the form with a given id."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.action = None
        self.method = "get"
        self.fields: dict[str, str] = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = self.found = True
            self.action = a.get("action")
            self.method = (a.get("method") or "get").lower()
        elif self.inside and tag == "input" and a.get("name"):
            if a.get("type", "text").lower() in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type", "").lower() in ("submit", "button", "image", "reset"):
                return
            self.fields[a["name"]] = a.get("value") or ""
        elif self.inside and tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside = False


@dataclass
class Response:
    status: int
    url: str
    text: str

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path


@dataclass
class RawResponse:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), "")


class HttpClient:
    """A tiny browser-like client: keeps cookies, follows redirects, never raises on 4xx/5xx."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # loopback only, never a proxy
            urllib.request.HTTPCookieProcessor(self.jar),
        )

    def request(self, method: str, path_or_url: str, form: dict | None = None) -> Response:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self.opener.open(req, timeout=30) as r:
                return Response(r.status, r.geturl(), r.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as e:
            return Response(e.code, e.geturl(), e.read().decode("utf-8", "replace"))

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def get_raw(self, path: str) -> RawResponse:
        """GET without decoding: status, headers and the exact bytes (downloads: BOM, line endings)."""
        url = path if "://" in path else self.base_url + path
        try:
            with self.opener.open(urllib.request.Request(url), timeout=30) as r:
                return RawResponse(r.status, r.geturl(), dict(r.headers.items()), r.read())
        except urllib.error.HTTPError as e:
            return RawResponse(e.code, e.geturl(), dict(e.headers.items()), e.read())

    def form(self, page: Response, form_id: str) -> tuple[str, dict[str, str]]:
        """(absolute action URL, current field values) of form#form_id on a page."""
        p = _FormParser(form_id)
        p.feed(page.text)
        assert p.found, f"form#{form_id} not found on {page.url} (status {page.status})"
        assert p.method == "post", f"form#{form_id} should use method=post, has {p.method!r}"
        return urllib.parse.urljoin(page.url, p.action or ""), p.fields

    def submit(self, path: str, form_id: str, values: dict[str, str]) -> Response:
        page = self.get(path)
        assert page.status == 200, f"GET {path} answered {page.status}"
        action, fields = self.form(page, form_id)
        fields.update(values)
        return self.request("POST", action, fields)

    def login(self, email: str, password: str = DEMO_PASSWORD) -> Response:
        r = self.submit("/anmelden", "login", {"email": email, "password": password})
        assert r.status == 200 and has_form(r.text, "logout"), (
            f"login as {email} failed: status {r.status} at {r.url}"
        )
        return r


def has_form(html: str, form_id: str) -> bool:
    p = _FormParser(form_id)
    p.feed(html)
    return p.found
