"""Deployment files: docker-compose.yml, the CI entry point and fail-loud settings.

No database access: everything runs in subprocesses (``manage.py check`` does not connect).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Variables that configure imcase; removed from the environment of the subprocesses so the
# runner's own settings (e.g. SECRET_KEY from `make test`) cannot leak into a check.
_APP_VARS = (
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "MEDIA_ROOT",
    "SESSION_IDLE_MINUTES",
    "LOG_LEVEL",
    "DEFAULT_FROM_EMAIL",
    "DJANGO_SETTINGS_MODULE",
    # Set by `make test` for Playwright; `check --deploy` rightly reports it (async.E001).
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
_APP_PREFIXES = ("EMAIL_", "AXES_", "CELERY_", "S3_", "STORAGE_", "METRICS_")


def _clean_env(**values: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _APP_VARS and not key.startswith(_APP_PREFIXES)
    }
    env.update(values)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- docker-compose.yml ---------------------------------------------------------------------


def _docker_compose() -> str:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.skip("docker-compose is not installed (scripts/install-test-deps.sh installs it)")
    return exe


def _compose_config(exe: str, *args: str) -> subprocess.CompletedProcess[str]:
    # Without a .env and without the runner's variables: the file must work on its own.
    env = _clean_env()
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            exe,
            "--project-directory",
            str(REPO),
            "-f",
            str(REPO / "docker-compose.yml"),
            "config",
            *args,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _yaml_to_data(text: str, compose_exe: str) -> dict:
    """Parse YAML with PyYAML, from this interpreter or else from docker-compose's own one."""
    try:
        import yaml
    except ImportError:
        pass
    else:
        return yaml.safe_load(text)
    first_line = Path(compose_exe).read_text(errors="replace").splitlines()[0]
    if not first_line.startswith("#!"):
        pytest.fail("PyYAML is missing and docker-compose is no Python script to borrow it from")
    interpreter = first_line[2:].strip().split()
    script = "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [*interpreter, "-c", script],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_docker_compose_config_is_valid():
    exe = _docker_compose()
    result = _compose_config(exe, "-q")
    assert result.returncode == 0, result.stderr


def test_docker_compose_defines_services_and_healthchecks():
    exe = _docker_compose()
    result = _compose_config(exe)
    assert result.returncode == 0, result.stderr
    config = _yaml_to_data(result.stdout, exe)
    services = config["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["DATABASE_URL"].split("@", 1)[1].startswith("db:5432/")
        assert env["REDIS_URL"].startswith("redis://redis:6379/")
    web = services["web"]
    assert web["environment"]["BEHIND_TLS_PROXY"] == "1"
    assert "X-Forwarded-Proto" in " ".join(web["healthcheck"]["test"])
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    assert "celery -A imcase worker" in " ".join(services["worker"]["command"])
    assert "celery -A imcase beat" in " ".join(services["beat"]["command"])
    assert {"pgdata", "redisdata", "media"} <= set(config.get("volumes", {}))


def _db_user(url: str) -> str:
    return url.split("://", 1)[1].split(":", 1)[0]


def test_docker_compose_migrates_as_owner_and_runs_the_app_as_the_app_role():
    exe = _docker_compose()
    result = _compose_config(exe)
    assert result.returncode == 0, result.stderr
    services = _yaml_to_data(result.stdout, exe)["services"]
    migrate = services["migrate"]
    command = " ".join(migrate["command"])
    assert "manage.py migrate" in command
    assert "manage.py setup_db_roles --app-role" in command
    owner = _db_user(migrate["environment"]["DATABASE_URL"])
    app_role = migrate["environment"]["DATABASE_APP_USER"]
    assert app_role != owner
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert _db_user(service["environment"]["DATABASE_URL"]) == app_role
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "migrate" not in " ".join(service["command"])


# --- CI entry point ---------------------------------------------------------------------------


def test_ci_run_calls_make_test():
    script = REPO / ".ci" / "run"
    assert os.access(script, os.X_OK), ".ci/run must be executable"
    lines = [
        line.strip()
        for line in script.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "make test" in lines
    assert "set -euo pipefail" in lines


# --- Settings -----------------------------------------------------------------------------------


def test_check_deploy_passes_with_production_settings():
    env = _clean_env(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="imcase.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/imcase",
    )
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_invalid_debug_value_stops_the_start():
    env = _clean_env(DEBUG="maybe", SECRET_KEY=secrets.token_urlsafe(50))
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "Wahrheitswert" in result.stderr, result.stderr


def test_missing_secret_key_stops_the_start_when_debug_is_off():
    env = _clean_env(DEBUG="0")
    assert "SECRET_KEY" not in env
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr, result.stderr


def test_an_unknown_storage_backend_stops_the_start():
    env = _clean_env(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), STORAGE_BACKEND="ftp")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "STORAGE_BACKEND" in result.stderr, result.stderr


def test_the_object_store_needs_its_bucket_and_keys():
    env = _clean_env(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), STORAGE_BACKEND="s3")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "S3_BUCKET" in result.stderr, result.stderr


def test_with_the_object_store_generated_files_go_to_s3():
    env = _clean_env(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        STORAGE_BACKEND="s3",
        S3_BUCKET="imcase",
        S3_ENDPOINT_URL="http://minio:9000",
        S3_ACCESS_KEY_ID="imcase",
        S3_SECRET_ACCESS_KEY="secret-for-the-test",
    )
    script = (
        'from django.core.files.storage import storages; s = storages["default"]; '
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.file_overwrite, s.default_acl)"
    )
    result = _manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "S3Storage",
        "imcase",
        "http://minio:9000",
        "False",
        "None",
    ]
