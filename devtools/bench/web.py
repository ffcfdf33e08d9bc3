"""Benchmark cases of the web shell: the home page of each demo login (registered on import;
see ``devtools.bench.runner``)."""

from __future__ import annotations

from devtools.bench.runner import DEMO_USERS, BenchCase, get_page, register


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
