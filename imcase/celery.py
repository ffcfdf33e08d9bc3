"""The Celery app. Tasks are thin wrappers around service functions (see README, "Worker")."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imcase.settings")

app = Celery("imcase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
