"""The settings helpers fail loudly on bad values."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from imcase.env import env_bool, env_decimal, env_int, env_list, env_str


def test_env_bool_accepts_usual_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "vielleicht")
    with pytest.raises(ImproperlyConfigured, match="kein Wahrheitswert"):
        env_bool("X_FLAG", False)


def test_env_int_refuses_text(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "zehn")
    with pytest.raises(ImproperlyConfigured, match="keine ganze Zahl"):
        env_int("X_NUMBER", 1)


def test_env_list_refuses_empty_items(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example.org,,b.example.org")
    with pytest.raises(ImproperlyConfigured, match="leeren Eintrag"):
        env_list("X_HOSTS", [])
    monkeypatch.setenv("X_HOSTS", "a.example.org, b.example.org")
    assert env_list("X_HOSTS", []) == ["a.example.org", "b.example.org"]


def test_env_str_without_default_must_be_set(monkeypatch):
    monkeypatch.delenv("X_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="muss gesetzt sein"):
        env_str("X_MISSING")
    assert env_str("X_MISSING", "default") == "default"


def test_env_decimal_takes_amounts_with_two_places(monkeypatch):
    monkeypatch.setenv("X_AMOUNT", "70000.5")
    assert str(env_decimal("X_AMOUNT", "1.00")) == "70000.50"
    for bad in ("0", "-5", "1.234", "70.000,00", "abc"):
        monkeypatch.setenv("X_AMOUNT", bad)
        with pytest.raises(ImproperlyConfigured, match="kein positiver Betrag"):
            env_decimal("X_AMOUNT", "1.00")


def test_env_int_refuses_values_outside_its_range(monkeypatch):
    monkeypatch.setenv("X_COUNT", "6")
    with pytest.raises(ImproperlyConfigured, match=r"zwischen 0 und 5"):
        env_int("X_COUNT", 0, minimum=0, maximum=5)
    monkeypatch.setenv("X_COUNT", "0")
    with pytest.raises(ImproperlyConfigured, match=r"mindestens 1"):
        env_int("X_COUNT", 1, minimum=1)
    monkeypatch.setenv("X_COUNT", "5")
    assert env_int("X_COUNT", 0, minimum=0, maximum=5) == 5
