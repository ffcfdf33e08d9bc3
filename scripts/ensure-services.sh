#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432, user postgres, trust auth for local TCP) and
# Redis (127.0.0.1:6379) answer. Installs them from Debian and starts them if needed.
# Idempotent: when both services already answer, it only reports that.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT="${REDIS_PORT:-6379}"
WAIT_SECONDS=60

log() { printf '[ensure-services] %s\n' "$*"; }
die() {
    printf '[ensure-services] ERROR: %s\n' "$*" >&2
    exit 1
}

APT_UPDATED=0
apt_install() {
    [ "$(id -u)" -eq 0 ] || die "need root to install: $*"
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "running apt-get update ..."
        apt-get update -qq
        APT_UPDATED=1
    fi
    log "installing: $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

wait_for() { # description, command...
    local what="$1"
    shift
    local i
    for ((i = 0; i < WAIT_SECONDS; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    die "$what did not answer within ${WAIT_SECONDS}s"
}

# --- PostgreSQL --------------------------------------------------------------------------

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
pg_login_ok() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -w -tAc 'select 1'; }
pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | head -1; }

ensure_postgres() {
    if ! command -v pg_isready >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
        apt_install postgresql
    fi

    if ! pg_ready; then
        local version
        version="$(pg_version)"
        [ -n "$version" ] || apt_install postgresql
        version="$(pg_version)"
        [ -n "$version" ] || die "no PostgreSQL cluster found under /etc/postgresql"
        local conf="/etc/postgresql/$version/main/postgresql.conf"
        [ -f "$conf" ] || die "cluster $version/main missing ($conf not found)"

        # Listen on the loopback address (Debian's default 'localhost' also covers it).
        if grep -Eq "^[[:space:]]*listen_addresses[[:space:]]*=" "$conf"; then
            if ! grep -Eq "^[[:space:]]*listen_addresses[[:space:]]*=[[:space:]]*'(localhost|127\.0\.0\.1|\*)" \
                "$conf"; then
                log "setting listen_addresses = 'localhost' in $conf"
                sed -i -E "s/^[[:space:]]*listen_addresses[[:space:]]*=.*/listen_addresses = 'localhost'/" \
                    "$conf"
            fi
        fi
        if ! grep -Eq "^[[:space:]]*port[[:space:]]*=[[:space:]]*$PG_PORT\b" "$conf"; then
            log "setting port = $PG_PORT in $conf"
            sed -i -E "s/^[[:space:]]*#?[[:space:]]*port[[:space:]]*=.*/port = $PG_PORT/" "$conf"
        fi

        log "starting PostgreSQL $version/main ..."
        pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
            log "pg_ctlcluster start returned non-zero (maybe already running); waiting"
        wait_for "PostgreSQL on $PG_HOST:$PG_PORT" pg_ready
    fi

    if ! pg_login_ok >/dev/null 2>&1; then
        local version hba
        version="$(pg_version)"
        hba="/etc/postgresql/$version/main/pg_hba.conf"
        [ -f "$hba" ] || die "cannot log in as postgres over TCP and $hba not found"
        log "allowing trust auth for user postgres from 127.0.0.1 and ::1 in $hba"
        sed -i '1i host    all             postgres        127.0.0.1/32            trust\nhost    all             postgres        ::1/128                 trust' \
            "$hba"
        pg_ctlcluster --skip-systemctl-redirect "$version" main reload
        local i
        for ((i = 0; i < 10; i++)); do
            pg_login_ok >/dev/null 2>&1 && break
            sleep 1
        done
        pg_login_ok >/dev/null 2>&1 ||
            die "still cannot connect: psql -h $PG_HOST -U postgres (check $hba)"
    fi
    log "PostgreSQL ok ($PG_HOST:$PG_PORT, user postgres)"
}

# --- Redis -------------------------------------------------------------------------------

redis_ok() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

ensure_redis() {
    if ! command -v redis-cli >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
        apt_install redis-server
    fi
    if ! redis_ok; then
        mkdir -p /var/lib/redis /var/log/redis
        if id redis >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
            chown redis:redis /var/lib/redis /var/log/redis || true
        fi
        log "starting redis-server on $REDIS_HOST:$REDIS_PORT ..."
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
            --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
        wait_for "Redis on $REDIS_HOST:$REDIS_PORT" redis_ok
    fi
    log "Redis ok ($REDIS_HOST:$REDIS_PORT)"
}

ensure_postgres
ensure_redis
