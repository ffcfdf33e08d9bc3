"""``manage.py bench --load``: the pages under concurrent load on a real application server.

Starts gunicorn (``devtools.bench_wsgi``) with N worker processes on a free port of
127.0.0.1 against the same database, then drives one page after another with C concurrent
clients for T seconds each: the login page first (the floor: no session, no query of the
case data), then the manager's client list, a name search and the client page with the most
contacts. Each client is a thread with its own keep-alive HTTP connection (``http.client``)
and its own session of the bench user ``manager``, signed in with both factors as in
production (``runner.logged_in``); the requests say they came through the TLS proxy
(``X-Forwarded-Proto: https``, ``BEHIND_TLS_PROXY=1`` for the server), so the HTTPS redirect
applies as in production and is satisfied. The server is stopped (SIGTERM, then SIGKILL
after a grace period) whatever happens. Only loopback, only the bench database.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from devtools.bench.runner import BenchError, logged_in

HOST = "127.0.0.1"
MAX_SECONDS = 120
MAX_CONCURRENCY = 64
MAX_WORKERS = 16
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
LOAD_USER = "manager"


@dataclass(frozen=True)
class LoadPage:
    name: str
    path: str
    signed_in: bool = True


@dataclass
class LoadResult:
    name: str
    seconds: float
    times_ms: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def requests(self) -> int:
        return len(self.times_ms) + self.errors

    @property
    def per_second(self) -> float:
        return len(self.times_ms) / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else float("nan")

    @property
    def p95_ms(self) -> float:
        if not self.times_ms:
            return float("nan")
        ordered = sorted(self.times_ms)
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def load_pages(client_path: str) -> list[LoadPage]:
    """The login page (floor) first, then the manager's pages."""
    return [
        LoadPage("Anmeldeseite (Boden)", "/anmelden/", signed_in=False),
        LoadPage("Klientenliste (manager)", "/klienten/"),
        LoadPage("Suche „Mohamad“ (manager)", "/klienten/?suche=" + quote("Mohamad")),
        LoadPage("Klientenakte, meiste Kontakte (manager)", client_path),
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    """The database this process uses, for the server (a test database too)."""
    db = connection.settings_dict
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@contextmanager
def gunicorn(workers: int, port: int) -> Iterator[subprocess.Popen]:
    """gunicorn with ``workers`` sync workers on 127.0.0.1:``port``; stopped on exit."""
    env = dict(os.environ, DATABASE_URL=_database_url(), BEHIND_TLS_PROXY="1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "imcase.settings")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "devtools.bench_wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--graceful-timeout",
        "10",
    ]
    process = subprocess.Popen(  # noqa: S603 - fixed command, loopback only
        command, cwd=settings.BASE_DIR, env=env, start_new_session=True
    )
    try:
        _wait_until_up(process, port)
        yield process
    finally:
        _stop(process)


def _wait_until_up(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn hat sich beim Start beendet (Code {process.returncode}).")
        try:
            status, _ = _get(http.client.HTTPConnection(HOST, port, timeout=5), "/anmelden/", "")
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        raise BenchError(f"gunicorn antwortet auf /anmelden/ mit HTTP {status}.")
    raise BenchError(f"gunicorn ist nach {START_TIMEOUT:.0f} s nicht erreichbar.")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: master and workers
        process.wait()


def _get(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, int]:
    headers = {"X-Forwarded-Proto": "https", "Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


def session_cookies(count: int, username: str = LOAD_USER) -> list[str]:
    """``count`` sessions of ``username``, each signed in with both factors."""
    name = settings.SESSION_COOKIE_NAME
    return [f"{name}={logged_in(username).cookies[name].value}" for _ in range(count)]


def drive(
    port: int, page: LoadPage, cookies: list[str], seconds: float, clock=time.perf_counter
) -> LoadResult:
    """``len(cookies)`` threads GET ``page`` for ``seconds``; a non-200 answer is an error."""
    result = LoadResult(page.name, seconds)
    lock = threading.Lock()
    start = threading.Barrier(len(cookies) + 1)
    stop_at: list[float] = []

    def client(cookie: str) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        times, errors = [], 0
        start.wait()
        try:
            while clock() < stop_at[0]:
                began = clock()
                try:
                    status, _ = _get(conn, page.path, cookie if page.signed_in else "")
                except (OSError, http.client.HTTPException):
                    conn.close()
                    errors += 1
                    continue
                if status == 200:
                    times.append((clock() - began) * 1000)
                else:
                    errors += 1
        finally:
            conn.close()
            with lock:
                result.times_ms.extend(times)
                result.errors += errors

    threads = [threading.Thread(target=client, args=(c,), daemon=True) for c in cookies]
    for thread in threads:
        thread.start()
    began = clock()
    stop_at.append(began + seconds)
    start.wait()
    for thread in threads:
        thread.join(seconds + 120)
    result.seconds = max(clock() - began, 1e-9)
    return result


def run_load(
    workers: int,
    concurrency: int,
    seconds: float,
    client_path: str,
    progress: Callable[[str], None] | None = None,
) -> list[LoadResult]:
    """Start the server, drive every page of ``load_pages`` in turn, stop the server."""
    if not 1 <= workers <= MAX_WORKERS:
        raise BenchError(f"--workers muss zwischen 1 und {MAX_WORKERS} liegen.")
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise BenchError(f"--concurrency muss zwischen 1 und {MAX_CONCURRENCY} liegen.")
    if not 0 < seconds <= MAX_SECONDS:
        raise BenchError(f"--seconds muss größer als 0 und höchstens {MAX_SECONDS} sein.")
    cookies = session_cookies(concurrency)
    port = free_port()
    results = []
    with gunicorn(workers, port):
        if progress:
            progress(f"gunicorn läuft auf {HOST}:{port} mit {workers} Workern.")
        for page in load_pages(client_path):
            if progress:
                progress(f"  {page.name}: {concurrency} gleichzeitig, {seconds:g} s …")
            results.append(drive(port, page, cookies, seconds))
    return results


def format_load_table(results: list[LoadResult]) -> str:
    """Requests per second, median and p95 per page, beside the floor (the first row)."""
    floor = results[0]
    header = ("Seite", "Anfragen/s", "Median ms", "p95 ms", "Fehler", "Median ÷ Boden")
    rows = [
        (
            r.name,
            f"{r.per_second:.1f}",
            f"{r.median_ms:.1f}",
            f"{r.p95_ms:.1f}",
            str(r.errors),
            "—" if r is floor else f"{r.median_ms / floor.median_ms:.1f}×",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return " | ".join(cells)

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
