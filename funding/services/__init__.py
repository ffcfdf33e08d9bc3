"""Writes of the funding procedure, one module per step. Each function: one transaction, lock
the row, check the guard, change, write an audit entry; side effects (e-mail) after commit.

Errors are ``imcase.errors.ServiceError`` with a German message; ``StaleVersionError`` when
someone else saved the record since it was loaded (optimistic locking, ``imcase.locking``).
"""

from funding.services.lists import (
    add_child,
    generate_lists,
    remove_child,
    reopen_list,
    send_lists,
    strike_entry,
    submit_list,
    unstrike_entry,
)
from funding.services.publication import publish
from funding.services.years import add_deduction, create_year, remove_deduction, update_year

__all__ = [
    "add_child",
    "add_deduction",
    "create_year",
    "generate_lists",
    "publish",
    "remove_child",
    "remove_deduction",
    "reopen_list",
    "send_lists",
    "strike_entry",
    "submit_list",
    "unstrike_entry",
    "update_year",
]
