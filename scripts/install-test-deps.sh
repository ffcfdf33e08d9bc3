#!/usr/bin/env bash
# Install the Debian packages the test suite needs, but only those that are missing.
#
#   chromium              browser tests drive /usr/bin/chromium through Playwright
#   fonts-noto-core       Arabic and other scripts in WeasyPrint PDFs
#   fonts-dejavu-core     default sans/serif fonts for WeasyPrint
#   libpango-1.0-0,
#   libpangoft2-1.0-0,
#   libharfbuzz-subset0   WeasyPrint needs Pango >= 1.44 (and HarfBuzz subsetting)
#   poppler-utils         pdftotext, to read generated PDFs back in tests
#   postgresql-client     pg_dump / pg_restore for `manage.py backup` / `restore` and their test
#   docker-compose        only to validate docker-compose.yml (`docker-compose config`)
#   libldap2-dev,
#   libsasl2-dev, gcc,
#   libc6-dev, python3-dev
#                         python-ldap (the "ldap" extra) has no wheels and compiles against these
#   slapd, ldap-utils     tests/test_ldap.py starts its own OpenLDAP server (slapd) on a free
#                         loopback port with a throw-away configuration; Debian's own slapd
#                         service is left unconfigured (preseeded below), so nothing listens on 389
set -euo pipefail

PACKAGES=(
    chromium
    fonts-noto-core
    fonts-dejavu-core
    libpango-1.0-0
    libpangoft2-1.0-0
    libharfbuzz-subset0
    poppler-utils
    postgresql-client
    docker-compose
    libldap2-dev
    libsasl2-dev
    gcc
    libc6-dev
    python3-dev
    slapd
    ldap-utils
)

log() { printf '[install-test-deps] %s\n' "$*"; }

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    log "all test packages present: ${PACKAGES[*]}"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    log "missing packages: ${missing[*]}"
    log "run this script as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi

log "missing packages: ${missing[*]}"
log "running apt-get update ..."
apt-get update -qq

# Leave out anything the configured Debian mirrors do not offer (reported, not fatal).
installable=()
for pkg in "${missing[@]}"; do
    candidate="$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
        log "WARNING: package $pkg is not available from the configured mirrors; skipped" >&2
    else
        installable+=("$pkg")
    fi
done

# The tests configure slapd themselves: skip Debian's default directory (and its service).
if printf '%s\n' "${installable[@]}" | grep -qx slapd; then
    echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
fi

if [ "${#installable[@]}" -gt 0 ]; then
    log "installing: ${installable[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${installable[@]}"
fi

for pkg in "${missing[@]}"; do
    if ! is_installed "$pkg"; then
        log "WARNING: $pkg is still not installed" >&2
    fi
done
log "done"
