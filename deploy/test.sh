#!/usr/bin/env bash
# The deployment stack of deploy/, exercised for real on this machine (Debian
# 12, as root; .ci/run runs it):
#   - the static files: compose.yaml, the Dockerfile's runtime stage, the
#     systemd units (systemd-analyze verify);
#   - MariaDB: a throwaway server started with deploy/mariadb/rr.cnf, its
#     durability, binary log, TLS and port settings read back, plain TCP
#     refused, rr-server connecting over verified TLS;
#   - nginx: the shipped configuration (paths and ports moved to a scratch
#     directory, deploy/lib.sh) with a self-signed certificate on loopback,
#     in front of two rr-server processes as the stable and canary releases,
#     checked by deploy/check_stack.py: redirect, TLS, headers, the canary
#     split over 2,000 clients, the WAF, rate limits, failover.
#
#   deploy/test.sh [path to rr-server]   (default: $CARGO_TARGET_DIR/debug/rr-server)
#
# Prints PASS or FAIL per check and "deploy: N passed, M failed"; exits 1 if
# any failed. Everything it starts is stopped and its files removed on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=deploy/lib.sh
. "$ROOT/deploy/lib.sh"
BIN=$(realpath "${1:-${CARGO_TARGET_DIR:-/var/cache/rr-target}/debug/rr-server}")
[ -x "$BIN" ] || { echo "no rr-server binary at $BIN" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "deploy/test.sh runs as root (packages, nginx, mariadbd)" >&2; exit 2; }

started=$(date +%s)
T=$(mktemp -d /tmp/rr-deploy-test.XXXXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT

PASSED=0
FAILED=0
# check <name> <command>...: runs the command, prints PASS, or FAIL and its output.
check() {
    local name=$1
    shift
    if "$@" >"$T/check.out" 2>&1; then
        echo "PASS  $name"
        sed 's/^/      /' "$T/check.out" | tail -5
        PASSED=$((PASSED + 1))
    else
        echo "FAIL  $name"
        sed 's/^/      /' "$T/check.out" | tail -25
        FAILED=$((FAILED + 1))
    fi
}
step() { printf -- '-- %s (+%ss)\n' "$*" "$(($(date +%s) - started))"; }

step "packages"
rr_install_packages nginx libnginx-mod-http-modsecurity modsecurity-crs openssl curl mariadb-server \
    systemd docker-compose
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml

# --- static files -----------------------------------------------------------
step "static files"

compose_structure() {
    python3 - "$ROOT/deploy/compose.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
services, volumes = doc["services"], doc.get("volumes") or {}
problems = []
for name in ("mariadb", "api-stable", "api-canary", "nginx", "backup"):
    if name not in services:
        problems.append(f"no service {name}")
db = services.get("mariadb", {})
if not any(str(v).startswith("mariadb-data:") for v in db.get("volumes", [])) or "mariadb-data" not in volumes:
    problems.append("MariaDB's data is not on the named volume mariadb-data")
if "3406" not in " ".join(db.get("command", [])) and not any("rr.cnf" in str(v) for v in db.get("volumes", [])):
    problems.append("MariaDB does not get deploy/mariadb/rr.cnf")
images = {services[s].get("image") for s in ("api-stable", "api-canary") if s in services}
if len(images) != 2:
    problems.append(f"stable and canary must run two image tags, got {images}")
for s in ("api-stable", "api-canary"):
    env = services.get(s, {}).get("environment", {})
    url = str(env.get("RR_DATABASE__URL", ""))
    if ":3406/" not in url or "ssl-mode=verify_identity" not in url:
        problems.append(f"{s}: RR_DATABASE__URL must reach MariaDB on 3406 over verified TLS, got {url!r}")
    if env.get("RR_PROFILE") != "production":
        problems.append(f"{s}: RR_PROFILE is not production")
backup = services.get("backup", {})
if "backup" not in " ".join(map(str, backup.get("command", []))):
    problems.append("the backup service does not run `rr-server backup create`")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
}
check "compose.yaml: the services, MariaDB on its volume and port, two image tags" compose_structure

compose_config() {
    local compose
    if docker compose version >/dev/null 2>&1; then compose=(docker compose)
    elif command -v docker-compose >/dev/null; then compose=(docker-compose)
    else echo "neither docker compose nor docker-compose is installed"; return 1; fi
    (cd "$ROOT/deploy" && env RR_IMAGE_STABLE=rr-server:1 RR_IMAGE_CANARY=rr-server:2 \
        RR_MAIL__SMTP__HOST=smtp.example RR_DB_PASSWORD=x MARIADB_ROOT_PASSWORD=x \
        RR_BACKUP_RECIPIENT=age1example "${compose[@]}" -f compose.yaml config -q)
}
check "compose.yaml: docker compose config accepts it" compose_config

dockerfile_runtime() {
    python3 - "$ROOT/deploy/Dockerfile" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
stages = re.split(r"(?m)^FROM ", text)[1:]
problems = []
if len(stages) < 2:
    problems.append("not multi-stage")
build, runtime = stages[0], stages[-1]
if "cargo build --release --locked -p rr-server" not in build:
    problems.append("the builder does not run cargo build --release --locked -p rr-server")
copies = re.findall(r"(?m)^COPY --from=\S+ .*", runtime)
if len(copies) != 1 or "rr-server" not in copies[0]:
    problems.append(f"the runtime stage must copy the rr-server binary only: {copies}")
users = re.findall(r"(?m)^USER (\S+)", runtime)
if not users or users[-1] in ("root", "0"):
    problems.append(f"the runtime stage runs as {users[-1] if users else 'root'}")
if "HEALTHCHECK" not in runtime or "/health/ready" not in runtime:
    problems.append("no HEALTHCHECK on /health/ready")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
}
check "Dockerfile: multi-stage, runtime non-root with the binary only, health check" dockerfile_runtime

systemd_units() {
    command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing"; return 1; }
    local units=$T/units
    mkdir -p "$units"
    cp "$ROOT"/deploy/systemd/* "$units/"
    # Instances of the template, as systemctl would start them; the binary
    # the units name must exist for verify, so point them at this one.
    cp "$units/rr-server@.service" "$units/rr-server@stable.service"
    cp "$units/rr-server@.service" "$units/rr-server@canary.service"
    sed -i -e "s#/opt/rr/%i/rr-server#$BIN#g" -e "s#/opt/rr/stable/rr-server#$BIN#g" \
        -e "s#/usr/local/lib/rr/rr-restore-drill#$units/rr-restore-drill#" "$units"/*.service
    local out status=0
    cd "$units"
    # Errors make it fail; warnings (an unknown or misspelt setting) only
    # print: either fails the check.
    out=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no rr-server@stable.service \
        rr-server@canary.service rr-backup.service rr-backup.timer rr-restore-drill.service \
        rr-restore-drill.timer 2>&1) || status=$?
    cd "$ROOT"
    if [ "$status" -ne 0 ] || [ -n "$out" ]; then
        echo "$out"
        return 1
    fi
}
check "systemd units: systemd-analyze verify finds nothing" systemd_units

# --- MariaDB ------------------------------------------------------------------
step "MariaDB with deploy/mariadb/rr.cnf"
mariadb_check() {
    local d=$T/mariadb port
    port=$(rr_free_port)
    mkdir -p "$d/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=rr-test-ca \
        -keyout "$d/tls/ca-key.pem" -out "$d/tls/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=mariadb \
        -keyout "$d/tls/server-key.pem" -out "$d/tls/server.csr" 2>/dev/null
    openssl x509 -req -in "$d/tls/server.csr" -CA "$d/tls/ca.pem" -CAkey "$d/tls/ca-key.pem" -CAcreateserial \
        -days 2 -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1') -out "$d/tls/server-cert.pem" 2>/dev/null
    sed -e "s#/etc/mysql/tls/#$d/tls/#g" -e "s#^port = 3406\$#port = $port#" "$ROOT/deploy/mariadb/rr.cnf" >"$d/rr.cnf"
    grep -q "^port = $port\$" "$d/rr.cnf" || { echo "the port line of rr.cnf was not found"; return 1; }
    chown -R mysql:mysql "$d"
    mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" --auth-root-authentication-method=normal \
        --skip-test-db >"$d/install.log" 2>&1 || { cat "$d/install.log"; return 1; }
    /usr/sbin/mariadbd --defaults-file="$d/rr.cnf" --user=mysql --datadir="$d/data" --socket="$d/sock" \
        --pid-file="$d/pid" --log-error="$d/error.log" &
    local pid=$!
    PIDS+=("$pid")
    local root=(mariadb --no-defaults -S "$d/sock" -uroot -N -B)
    for _ in $(seq 150); do "${root[@]}" -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
    "${root[@]}" -e 'SELECT 1' >/dev/null || { tail -20 "$d/error.log"; return 1; }
    local got expected
    got=$("${root[@]}" -e "SELECT CONCAT_WS(' ', @@port, @@innodb_flush_log_at_trx_commit, @@log_bin, @@sync_binlog,
        @@binlog_format, @@have_ssl, @@require_secure_transport, @@character_set_server, @@collation_server,
        @@tls_version)")
    expected="$port 1 ON 1 ROW YES ON utf8mb4 utf8mb4_unicode_ci TLSv1.2,TLSv1.3"
    echo "settings read back: $got"
    [ "$got" = "$expected" ] || { echo "expected:           $expected"; return 1; }
    "${root[@]}" -e "CREATE DATABASE rr CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE USER 'rr'@'127.0.0.1' IDENTIFIED BY 'rr-test'; GRANT ALL ON rr.* TO 'rr'@'127.0.0.1';"
    local tcp=(mariadb --no-defaults -h127.0.0.1 -P"$port" -urr -prr-test -N -B rr)
    if "${tcp[@]}" --skip-ssl -e 'SELECT 1' >/dev/null 2>&1; then echo "a plain TCP connection was accepted"; return 1; fi
    echo "plain TCP refused"
    got=$("${tcp[@]}" --ssl --ssl-ca="$d/tls/ca.pem" --ssl-verify-server-cert -e "SHOW STATUS LIKE 'Ssl_version'")
    echo "verified TLS: $got"
    [[ $got == Ssl_version*TLSv1.[23] ]] || return 1
    "${root[@]}" -e "SHOW BINARY LOGS" | grep -q '^mariadb-bin\.' || { echo "no binary log"; return 1; }
    # The server itself, over TLS with the certificate checked, as compose.yaml configures it.
    (cd "$d" && RR_DATABASE__URL="mysql://rr:rr-test@127.0.0.1:$port/rr?ssl-mode=verify_identity&ssl-ca=$d/tls/ca.pem" \
        RR_TELEMETRY__FILTER=warn "$BIN" migrate status) >"$d/migrate.out" 2>&1 || { cat "$d/migrate.out"; return 1; }
    echo "rr-server migrate status over verified TLS: $(grep -c . "$d/migrate.out") lines"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}
check "MariaDB: durable commits, binary log (ROW, sync), TLS required, port and utf8mb4 as configured" mariadb_check

# --- nginx in front of two releases -------------------------------------------
step "two rr-server releases and nginx"
STABLE_PORT=$(rr_free_port)
CANARY_PORT=$(rr_free_port)
HTTP_PORT=$(rr_free_port)
HTTPS_PORT=$(rr_free_port)
LOGIN_EMAIL=deploy-check@exemple.fr
# Looks like SQL on purpose: the WAF leaves password fields alone
# (deploy/nginx/rr/modsecurity/exclusions.conf) and blocks the same text elsewhere.
LOGIN_PASSWORD="Vert' OR '1'='1 --Tournesol2026"

start_release() { # name port
    local dir=$T/$1
    mkdir -p "$dir"
    export RR_SECURITY__DEVELOPMENT_KEYS_DIR=$T/keys RR_TELEMETRY__FORMAT=json RR_TELEMETRY__FILTER=info
    (cd "$dir" && echo "$LOGIN_PASSWORD" | "$BIN" admin create-user --role citizen --email "$LOGIN_EMAIL" \
        --username "deploy-check" --first-name Deploy --last-name Check --password-stdin) >"$dir/admin.log" 2>&1 \
        || { cat "$dir/admin.log"; return 1; }
    # As in production: behind nginx, which overwrites X-Forwarded-For.
    (cd "$dir" && RR_HTTP__PORT=$2 RR_HTTP__TRUST_FORWARDED_FOR=true exec "$BIN") >"$dir/server.log" 2>&1 &
    PIDS+=("$!")
    eval "${1^^}_PID=$!"
}
start_release stable "$STABLE_PORT"
start_release canary "$CANARY_PORT"
for port in "$STABLE_PORT" "$CANARY_PORT"; do
    for _ in $(seq 150); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { tail -20 "$T"/*/server.log; exit 1; }
done

rr_self_signed "$T/tls"
rr_nginx_config "$T/nginx" "$HTTP_PORT" "$HTTPS_PORT" "$STABLE_PORT" "$CANARY_PORT" "$T/tls"
NGINX=(nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/log/error.log")
nginx_config_test() {
    "${NGINX[@]}" -t || return 1
    # ModSecurity reports the rules it loaded in the error log.
    grep -E 'rules loaded inline/local/remote: [0-9]+/[0-9]+/' "$T/nginx/log/error.log" | tail -1
    grep -qE 'rules loaded inline/local/remote: [0-9]+/[1-9][0-9]{2,}/' "$T/nginx/log/error.log"
}
check "nginx -t accepts the shipped configuration (ModSecurity with the CRS rules)" nginx_config_test
"${NGINX[@]}" -g 'daemon off;' &
PIDS+=("$!")
for _ in $(seq 100); do [ -s "$T/nginx/nginx.pid" ] && curl -so /dev/null "http://127.0.0.1:$HTTP_PORT/" && break; sleep 0.1; done

step "checks through nginx"
stack_status=0
python3 "$ROOT/deploy/check_stack.py" \
    --domain "$RR_DOMAIN" --http-port "$HTTP_PORT" --https-port "$HTTPS_PORT" --ca "$T/tls/ca.pem" \
    --acme-dir "$T/nginx/acme" --stable-log "$T/stable/server.log" --canary-log "$T/canary/server.log" \
    --canary-pid "$CANARY_PID" --audit-log "$T/nginx/log/modsec_audit.log" --access-log "$T/nginx/log/rr-access.log" \
    --nginx-pid "$T/nginx/nginx.pid" --split-conf "$T/nginx/rr/http.conf" \
    --login-email "$LOGIN_EMAIL" --login-password "$LOGIN_PASSWORD" | tee "$T/stack.out" || stack_status=$?
read -r stack_passed stack_failed < <(sed -n 's/^stack: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$T/stack.out")
PASSED=$((PASSED + ${stack_passed:-0}))
FAILED=$((FAILED + ${stack_failed:-1}))
[ "$stack_status" -eq 0 ] || [ "${stack_failed:-1}" -gt 0 ] || FAILED=$((FAILED + 1))

no_errors_in_logs() {
    ! grep -hE '\[(emerg|alert|crit)\]' "$T/nginx/log/error.log" &&
    ! grep -h '"status":5[0-9][0-9]' "$T/stable/server.log" "$T/canary/server.log"
}
check "no nginx emergency and no 5xx in the servers' logs" no_errors_in_logs

step "done"
echo "deploy: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
