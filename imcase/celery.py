"""The Celery app and the beat schedule. Tasks are thin wrappers around service functions.

Worker: ``celery -A imcase worker`` (``make worker``); schedule: ``celery -A imcase beat``
(``make beat``). Without ``REDIS_URL`` the settings make every task run inline
(``CELERY_TASK_ALWAYS_EAGER``), so the demo needs neither Redis nor a worker.

The times below are wall-clock times in Europe/Berlin (``CELERY_TIMEZONE``). On the night the
clocks go forward 02:00 does not exist and beat may skip or shift the run; that is harmless
because every nightly job catches up what a missed night left and creates nothing twice.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imcase.settings")

app = Celery("imcase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

NIGHTLY_SCHEDULE = {
    "fristenpruefung": {
        "task": "imcase.alerts.tasks.run_nightly",
        "schedule": crontab(hour=2, minute=0),
    },
    "kennzahlen-vorberechnen": {
        "task": "reporting.tasks.precompute_tables",
        "schedule": crontab(hour=2, minute=30),
    },
    "aufbewahrungsfrist": {
        "task": "imcase.alerts.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=0),
    },
    "exporte-aufraeumen": {
        "task": "imcase.exports.tasks.delete_expired_files",
        "schedule": crontab(hour=3, minute=30),
    },
}
app.conf.beat_schedule = NIGHTLY_SCHEDULE
