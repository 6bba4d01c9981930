"""Fixtures for the interop tests.

`base_url`: a `quartier demo` of its own for each test module, on a free loopback port with a temporary SQLite
file, so a module that writes (Open311 POST) cannot change what another one reads. Stopped at the module's end.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]

for _var in ("no_proxy", "NO_PROXY"):
    os.environ[_var] = ",".join(x for x in (os.environ.get(_var, ""), "127.0.0.1", "localhost") if x)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    binary = Path(os.environ.get("QUARTIER_BIN", REPO_ROOT / ".build" / "debug" / "quartier"))
    if not binary.exists():
        pytest.fail(f"{binary} does not exist; run `swift build` first", pytrace=False)
    work = tmp_path_factory.mktemp("demo")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "QUARTIER_TEST_DATABASE_URL", "QUARTIER_ENV")}
    url = f"http://127.0.0.1:{port}"
    env.update(DATABASE_URL=f"sqlite://{work / 'demo.sqlite'}", PORT=str(port), HOST="127.0.0.1", QUARTIER_PUBLIC_URL=url)
    log = open(work / "server.log", "wb")
    process = subprocess.Popen([str(binary), "demo"], cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited: {(work / 'server.log').read_text(errors='replace')[-2000:]}", pytrace=False)
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not answer /healthz within 120 s", pytrace=False)
            time.sleep(0.25)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
