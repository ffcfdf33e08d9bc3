"""More than one machine: two web processes and a worker, each started from its own working
directory, on one PostgreSQL, one Redis and one shared storage.

A manager starts the client export on web node A; the worker (on its own queues, by
``CELERY_QUEUE_PREFIX``) writes the file into the shared storage; web node B reports it ready
and hands it out, and openpyxl reads it back. No node keeps state of its own: the session is in
the database, the queue in Redis, the file in the storage. Node A runs with Prometheus metrics
on, node B without (its /metrics is a 404).
"""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as DjangoClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

CSRF_SECRET = "twonodestwonodestwonodestwonodes"  # 32 characters, as Django's CSRF secret


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """One process started from its own directory; its output goes to a log file there."""

    def __init__(self, name: str, command: list[str], workdir: Path, env: dict[str, str]):
        workdir.mkdir()
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            command, cwd=workdir, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


def _request(port: int, method: str, path: str, cookies: str = "", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            method, path, headers={"Host": "127.0.0.1", "Cookie": cookies, **(headers or {})}
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _wait_until_up(node: Node, port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            pytest.fail(f"{node.name} stopped:\n{node.log()}")
        try:
            status, _headers, _body = _request(port, "GET", "/healthz")
        except OSError:
            time.sleep(0.3)
            continue
        if status == 200:
            return
        time.sleep(0.3)
    pytest.fail(f"{node.name} did not answer /healthz within 60 s:\n{node.log()}")


@pytest.fixture
def cluster(transactional_db, tmp_path) -> Iterator[dict]:
    """Web nodes A and B (gunicorn) and one worker, sharing database, Redis and storage."""
    storage = tmp_path / "shared-storage"
    storage.mkdir()
    base = {
        **os.environ,
        "PYTHONPATH": str(Path(settings.BASE_DIR)),
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(storage),
        "STORAGE_BACKEND": "filesystem",
        "CELERY_QUEUE_PREFIX": f"twonodes-{uuid.uuid4().hex[:12]}-",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
    }
    ports = {"a": _free_port(), "b": _free_port()}
    nodes: list[Node] = []
    try:
        for name, metrics in (("a", "1"), ("b", "0")):
            gunicorn = [
                sys.executable, "-m", "gunicorn", "imcase.wsgi:application",
                "--bind", f"127.0.0.1:{ports[name]}", "--workers", "1", "--timeout", "60",
            ]  # fmt: skip
            env = {**base, "METRICS_ENABLED": metrics}
            nodes.append(Node(f"web-{name}", gunicorn, tmp_path / f"web-{name}", env))
        worker = [
            sys.executable, "-m", "celery", "-A", "imcase", "worker", "--pool=solo",
            "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=info",
        ]  # fmt: skip
        nodes.append(Node("worker", worker, tmp_path / "worker", base))
        for node, port in zip(nodes, ports.values(), strict=False):
            _wait_until_up(node, port)
        yield {"ports": ports, "nodes": nodes, "storage": storage}
    finally:
        for node in nodes:
            node.stop()


def _session_cookie(user) -> str:
    """A session with both factors, written to the shared database like a login would."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Handy", defaults={"confirmed": True}
    )
    client = DjangoClient()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"sessionid={session.session_key}; csrftoken={CSRF_SECRET}"


def test_a_file_exported_by_the_worker_is_downloaded_through_the_other_web_node(world, cluster):
    port_a, port_b = cluster["ports"]["a"], cluster["ports"]["b"]
    cookies = _session_cookie(world.owner)

    status, headers, body = _request(
        port_a, "POST", "/exporte/neu/client_list/", cookies, {"X-CSRFToken": CSRF_SECRET}
    )
    assert status == 302, body[:500]
    code = headers["Location"].rstrip("/").split("/")[-1]
    uuid.UUID(code)

    deadline = time.monotonic() + 90
    state: dict = {}
    while time.monotonic() < deadline:
        status, _headers, body = _request(port_b, "GET", f"/exporte/{code}/stand/", cookies)
        assert status == 200, body[:500]
        state = json.loads(body)
        if state["finished"]:
            break
        time.sleep(0.5)
    worker_log = cluster["nodes"][2].log()
    assert state.get("finished"), f"export not finished: {state}\n{worker_log}"
    assert state["status"] == "done", state
    assert "generate_file" in worker_log  # written by the worker, not inline in node A

    status, headers, body = _request(port_b, "GET", state["download_url"], cookies)
    assert status == 200
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    values = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert world.client.aktenzeichen in values
    assert world.other_client.aktenzeichen not in values  # scoping holds on every node
    stored = list(cluster["storage"].rglob("*.xlsx"))
    assert len(stored) == 1, stored  # the one shared storage, not a node's own directory


def test_each_node_is_ready_and_only_the_metrics_node_serves_metrics(world, cluster):
    port_a, port_b = cluster["ports"]["a"], cluster["ports"]["b"]
    for port in (port_a, port_b):
        status, _headers, body = _request(port, "GET", "/readyz")
        assert status == 200, body
    _request(port_a, "GET", "/anmelden/")
    status, headers, body = _request(port_a, "GET", "/metrics")
    assert status == 200
    text = body.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert headers["Content-Type"].startswith("text/plain")
    status, _headers, _body = _request(port_b, "GET", "/metrics")
    assert status == 404
