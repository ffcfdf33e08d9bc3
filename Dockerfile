# imcase production image: gunicorn serves the app, whitenoise the static files.
# Build:  docker build -t imcase .      Run: see docker-compose.yml and .env.example
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    MEDIA_ROOT=/app/var/media

# Pango (>= 1.44) and fonts for WeasyPrint PDFs; Noto covers Arabic and other scripts.
# libldap and libsasl2 at run time for the optional LDAP login (python-ldap).
# postgresql-client for `manage.py backup` / `restore` (pg_dump, pg_restore).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-core fonts-dejavu-core \
        libldap-2.5-0 libsasl2-2 \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (cached layer as long as pyproject.toml does not change).
COPY pyproject.toml ./
# The "ldap" extra (django-auth-ldap) needs python-ldap, which has no wheels: the compiler and
# the -dev packages are installed for this step only and removed again.
RUN mkdir -p imcase clients plans funding reporting devtools \
    && apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libldap2-dev libsasl2-dev \
    && pip install ".[ldap]" \
    && pip uninstall -y imcase \
    && apt-get purge -y --auto-remove gcc libc6-dev libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*

# The application itself. PYTHONPATH=/app makes the source tree (with templates, static
# files and migrations next to manage.py) the one that is imported.
COPY . .
RUN pip install --no-deps .

# Static files are collected at build time; the key is a throwaway used only here.
RUN DEBUG=0 SECRET_KEY=build-time-dummy-key-not-used-at-runtime-0123456789abcdef \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3

RUN groupadd --system --gid 1000 imcase \
    && useradd --system --uid 1000 --gid imcase --create-home --home-dir /home/imcase \
        --shell /usr/sbin/nologin imcase \
    && mkdir -p /app/var/media \
    && chown -R imcase:imcase /app/var

USER imcase
EXPOSE 8000

CMD ["gunicorn", "imcase.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
