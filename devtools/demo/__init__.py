"""The fictional demo Kreis "Landkreis Musterkreis" (see ``devtools.demo.organisation``)."""

from devtools.demo.organisation import (
    DEMO_PASSWORD,
    DEMO_TODAY,
    ClientSpec,
    build_demo,
    client_specs,
    demo_logins,
    staff_specs,
)

__all__ = [
    "ClientSpec",
    "DEMO_PASSWORD",
    "DEMO_TODAY",
    "build_demo",
    "client_specs",
    "demo_logins",
    "staff_specs",
]
