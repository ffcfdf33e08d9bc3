"""The append-only tables: rows are added, never changed, deleted or truncated.

Each such model registers here from its app's ``AppConfig.ready()``; ``setup_db_roles`` takes
UPDATE and DELETE on exactly these tables away from the application's database role. Their
triggers (the apps' migrations) refuse UPDATE, DELETE and TRUNCATE for every role.
"""

from __future__ import annotations

from django.db import models

_models: list[type[models.Model]] = []


def register(model: type[models.Model]) -> None:
    if model not in _models:
        _models.append(model)


def append_only_tables() -> list[str]:
    return sorted(model._meta.db_table for model in _models)
