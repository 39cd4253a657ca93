#!/usr/bin/env bash
# What nginx + TLS + the WAF cost in front of the API, in one run: the
# throughput of GET /api/v1/categories from the release server directly, then
# through the shipped nginx configuration (deploy/nginx/, moved to scratch
# paths and ports like deploy/test.sh does) on the same machine, with
# keep-alive connections and with a new TLS connection per request.
#
#   deploy/bench.sh [seconds per scenario]      (default 15)
#
# BIN=<path> benchmarks that binary instead of building the release one
# (bench/lib.sh). The per-address rate limit of the API (20 requests a
# second, bursts of 40) would refuse a load generator on one address: the
# bench raises those two numbers only; nginx still evaluates the limit on
# every request. A second nginx, identical but for `modsecurity off`, shows
# what TLS and proxying cost without the WAF.
# Results and their reading: docs/operations/deploy.md, "What the proxy costs".
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-15}
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=deploy/lib.sh
. deploy/lib.sh
rr_install_packages nginx libnginx-mod-http-modsecurity modsecurity-crs openssl
command -v unshare >/dev/null || { echo "unshare (util-linux) is needed" >&2; exit 1; }

bench_start "sqlite://data/rr.sqlite"
rr_self_signed "$WORK/tls"
chmod 755 "$WORK"
NGINX_PIDS=()
trap 'kill "${NGINX_PIDS[@]}" 2>/dev/null; bench_stop' EXIT
start_nginx() { # dir, "on" or "off" (the WAF), variable to set to its HTTPS port
    local dir=$1 http https
    http=$(rr_free_port)
    https=$(rr_free_port)
    rr_nginx_config "$dir" "$http" "$https" "$PORT" "$PORT" "$WORK/tls"
    sed -i 's#rate=20r/s#rate=1000000r/s#' "$dir/rr/http.conf"
    grep -q 'rate=1000000r/s' "$dir/rr/http.conf" || { echo "the API's rate limit was not found" >&2; exit 1; }
    sed -i 's#zone=rr_api burst=40 #zone=rr_api burst=100000 #' "$dir/rr/site.conf"
    grep -q 'zone=rr_api burst=100000 ' "$dir/rr/site.conf" || { echo "the API's burst was not found" >&2; exit 1; }
    sed -i "s#^    modsecurity on;#    modsecurity $2;#" "$dir/rr/site.conf"
    grep -q "^    modsecurity $2;" "$dir/rr/site.conf" || { echo "the modsecurity switch was not found" >&2; exit 1; }
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/log/error.log" -g 'daemon off;' &
    NGINX_PIDS+=("$!")
    for _ in $(seq 100); do curl -so /dev/null "http://127.0.0.1:$http/" && break; sleep 0.1; done
    printf -v "$3" %s "$https"
}
start_nginx "$WORK/nginx-waf" on WAF_PORT
start_nginx "$WORK/nginx-no-waf" off NO_WAF_PORT

# wrk sends the URL's host as the TLS server name, and nginx answers only its
# own name: resolve it to loopback in a private mount namespace, leaving the
# machine's /etc/hosts alone.
printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$RR_DOMAIN" >"$WORK/hosts"
wrk_run() { # seconds url [header]
    local header=()
    [ -n "${3:-}" ] && header=(-H "$3")
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$WORK/hosts" \
        wrk -t2 -c"$CONNECTIONS" -d"${1}s" -s "$WORK/report.lua" "${header[@]}" "$2"
}
declare -A RPS ERRORS
scenario() { # name url key [header]
    local out rps p50 p99 total errors
    sleep 2
    wrk_run 3 "$2" "${4:-}" >/dev/null
    out=$(wrk_run "$SECONDS_RUN" "$2" "${4:-}")
    read -r _ rps p50 p99 total errors <<<"$(grep '^RESULT' <<<"$out")"
    printf '%-44s %9s req/s   p50 %7s ms   p99 %7s ms   (%s requests, %s errors)\n' \
        "$1" "$rps" "$p50" "$p99" "$total" "$errors"
    grep -E 'Socket errors|Non-2xx' <<<"$out" | sed 's/^ */    /' || true
    RPS[$3]=$rps
    ERRORS[$3]=$errors
}

echo "GET /api/v1/categories, $CONNECTIONS connections, ${SECONDS_RUN}s each, $(nproc) CPUs shared by all processes"
scenario "direct (HTTP/1.1, keep-alive)" "http://127.0.0.1:$PORT/api/v1/categories" direct
scenario "nginx + TLS, WAF off (keep-alive)" "https://$RR_DOMAIN:$NO_WAF_PORT/api/v1/categories" tls
scenario "nginx + TLS + WAF (keep-alive)" "https://$RR_DOMAIN:$WAF_PORT/api/v1/categories" proxied
scenario "nginx + TLS + WAF (a TLS handshake each)" "https://$RR_DOMAIN:$WAF_PORT/api/v1/categories" handshake \
    "Connection: close"
python3 - "${RPS[direct]}" "${RPS[tls]}" "${RPS[proxied]}" "${RPS[handshake]}" <<'PY'
import sys
direct, tls, proxied, handshake = map(float, sys.argv[1:])
print(f"through nginx: {100 * tls / direct:.0f}% of the direct throughput with TLS alone, "
      f"{100 * proxied / direct:.0f}% with TLS and the WAF, {100 * handshake / direct:.0f}% "
      f"with a handshake per request as well")
PY
status=$(curl -sk -o /dev/null -w '%{http_code}' --resolve "$RR_DOMAIN:$WAF_PORT:127.0.0.1" \
    "https://$RR_DOMAIN:$WAF_PORT/api/v1/categories")
[ "$status" = 200 ] || { echo "nginx answered $status, not 200: the figures are not of the API" >&2; exit 1; }
if [ "${ERRORS[direct]}${ERRORS[tls]}${ERRORS[proxied]}${ERRORS[handshake]}" != 0000 ]; then
    grep -h '\[\(warn\|error\|crit\)\]' "$WORK"/nginx-*/log/error.log | cut -c1-200 | sort | uniq -c | sort -rn | head -5
    echo "some requests failed: the figures are not comparable" >&2
    exit 1
fi
