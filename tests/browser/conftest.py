"""Fixtures for the browser tests.

`server`: starts `.build/debug/quartier demo` once per session on a fresh SQLite file and a free
loopback port, waits for GET /healthz, stops it at the end (SIGTERM, then SIGKILL). Its output goes
to a log file whose tail is printed when a test failed.

`driver`: a fresh headless Debian chromium per test (so no session or language cookie leaks from
one test into another). On failure a screenshot and the page source are saved.

Environment:
  QUARTIER_BIN            the binary to start (default: <repo>/.build/debug/quartier)
  QUARTIER_SENDMAIL       passed through to the app (mail delivery)
  QUARTIER_TEST_MAILDIR   maildir the SMTP sink delivers to (test mail test)
  CHROME_BIN / CHROMEDRIVER_BIN   override /usr/bin/chromium and /usr/bin/chromedriver
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO_ROOT = Path(__file__).resolve().parents[2]
HEALTH_TIMEOUT = 120
LOG_TAIL_LINES = 80

# Everything runs on loopback; make sure no proxy from the environment gets in the way
# (urllib3 inside selenium honours these variables).
for _var in ("no_proxy", "NO_PROXY"):
    _old = os.environ.get(_var, "")
    os.environ[_var] = ",".join(x for x in (_old, "127.0.0.1", "localhost") if x)
# Never let Selenium Manager try to download a driver or browser.
os.environ.setdefault("SE_OFFLINE", "true")

_server_log: Path | None = None
_server_died: str | None = None


def _tail(path: Path | None, lines: int = LOG_TAIL_LINES) -> str:
    if path is None or not path.exists():
        return "(no server log)"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:]) or "(server log is empty)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    log_path: Path
    process: subprocess.Popen


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    global _server_log, _server_died
    binary = Path(os.environ.get("QUARTIER_BIN", REPO_ROOT / ".build" / "debug" / "quartier"))
    if not binary.exists():
        pytest.fail(f"{binary} does not exist; run `swift build` first", pytrace=False)

    workdir = tmp_path_factory.mktemp("quartier")
    log_path = workdir / "server.log"
    _server_log = log_path
    port = _free_port()

    env = dict(os.environ)
    for var in ("DATABASE_URL", "QUARTIER_TEST_DATABASE_URL", "QUARTIER_ENV", "PORT", "HOST"):
        env.pop(var, None)
    env.update(
        DATABASE_URL=f"sqlite://{workdir / 'demo.sqlite'}",  # sqlite:///tmp/.../demo.sqlite
        PORT=str(port),
        HOST="127.0.0.1",
    )

    log = open(log_path, "wb")
    # Working directory = repository root, so that the app finds Resources/ and Public/.
    process = subprocess.Popen(
        [str(binary), "demo"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Own process group: a signal meant for the test runner's group (e.g. from `timeout`)
        # must not take the server down in the middle of the session; teardown stops it.
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + HEALTH_TIMEOUT
    last_error = "no answer"
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"`{binary} demo` exited with status {process.returncode} before /healthz answered.\n"
                    f"--- server log ({log_path}) ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            try:
                with opener.open(url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
                    last_error = f"status {r.status}"
            except urllib.error.HTTPError as e:
                last_error = f"status {e.code}"
            except OSError as e:
                last_error = str(e)
            if time.monotonic() > deadline:
                pytest.fail(
                    f"GET {url}/healthz did not answer 200 within {HEALTH_TIMEOUT}s ({last_error}).\n"
                    f"--- server log ({log_path}) ---\n{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.25)

        yield Server(url=url, log_path=log_path, process=process)
    finally:
        if process.poll() is not None:
            _server_died = f"the server process exited by itself with status {process.returncode}"
        else:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        log.close()


@pytest.fixture
def driver(request, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROME_BIN", "/usr/bin/chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--no-proxy-server",
        "--lang=de-DE",
        "--disable-extensions",
        "--no-first-run",
        "--password-store=basic",
    ):
        options.add_argument(arg)
    # A German browser: what a resident in Marburg most likely has (the app defaults to German anyway).
    options.add_experimental_option("prefs", {"intl.accept_languages": "de-DE,de"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
    drv = webdriver.Chrome(service=service, options=options)
    drv.set_page_load_timeout(60)
    drv.set_script_timeout(60)
    try:
        yield drv
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            out = tmp_path_factory.mktemp("failure")
            name = "".join(c if c.isalnum() else "_" for c in request.node.name)[:80]
            try:
                drv.save_screenshot(str(out / f"{name}.png"))
                (out / f"{name}.html").write_text(drv.page_source, encoding="utf-8")
                print(f"\n[{request.node.name}] last URL {drv.current_url}; screenshot and HTML in {out}")
            except Exception as e:  # the browser may be gone
                print(f"\n[{request.node.name}] could not save screenshot: {e}")
        drv.quit()


@pytest.fixture
def base_url(server) -> str:
    return server.url


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _server_log is None:
        return
    if terminalreporter.stats.get("failed") or terminalreporter.stats.get("error"):
        terminalreporter.section(f"quartier server log, last {LOG_TAIL_LINES} lines ({_server_log})")
        if _server_died:
            terminalreporter.write_line(_server_died)
        terminalreporter.write_line(_tail(_server_log))
