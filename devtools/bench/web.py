"""Benchmark cases of the web shell: the home page of each demo login (registered on import;
see ``devtools.bench.runner``)."""

from __future__ import annotations

from django.test import Client as TestClient

from devtools.bench.runner import DEMO_USERS, BenchCase, BenchError, benchmark, get_page, register


@benchmark("Anmeldeseite (Boden: ohne Sitzung, ohne Falldaten)")
def _login_page():
    """The floor every page stands on: the request cycle, middleware and a small template."""
    client = TestClient(HTTP_HOST="testserver")

    def timed():
        response = client.get("/anmelden/", secure=True)
        if response.status_code != 200:
            raise BenchError(f"GET /anmelden/ ergab HTTP {response.status_code}.")

    return timed


def _register_home_pages() -> None:
    for username, label in DEMO_USERS.items():
        register(
            BenchCase(
                name=f"Start: {label} ({username})",
                setup=lambda u=username: get_page(u, "/"),
                run=lambda timed: timed(),
            )
        )


_register_home_pages()
