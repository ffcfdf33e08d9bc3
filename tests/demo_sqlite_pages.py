"""Run by tests/test_demo_funding.py inside ``manage.py shell`` on the demo's SQLite database:
the main pages of each demo login answer 200, and the cohorts' month arithmetic on SQLite
agrees with the Python rule. Prints one line per check."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import DateField, Value
from django.test import Client

from clients.models import Client as Person
from reporting.cohorts import AddMonths, add_months

for day, months in (
    (dt.date(2024, 1, 31), 1),
    (dt.date(2023, 1, 31), 1),
    (dt.date(2024, 2, 29), 12),
    (dt.date(2024, 3, 15), 24),
    (dt.date(2023, 12, 31), 2),
):
    got = (
        Person.objects.annotate(end=AddMonths(Value(day, output_field=DateField()), months))
        .values_list("end", flat=True)
        .first()
    )
    expected = add_months(day, months)
    print("months", day, months, got, expected, "ok" if str(got) == str(expected) else "WRONG")

pages = {
    "koordination": [
        "/",
        "/berichte/",
        "/berichte/kennzahlen/?jahr=2026",
        "/berichte/jahresbericht/",
    ],
    "manager": ["/", "/klienten/", "/klienten/netzwerkarbeit/", "/berichte/"],
    "teamleitung": ["/", "/berichte/"],
    "vu": ["/", "/klienten/uebergabe/"],
}
one = Person.objects.filter(manager__username="manager").order_by("aktenzeichen").first()
pages["manager"].append(f"/klienten/{one.code}/")
for username, paths in pages.items():
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(get_user_model().objects.get(username=username))
    for path in paths:
        status = browser.get(path).status_code
        print("page", username, path, status, "ok" if status == 200 else "WRONG")
