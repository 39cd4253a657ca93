# Shared by the load scripts: the release server on a given database, and
# wrk scenarios that print requests/s and p50/p99. Sourced, not run.
#
#   bench_start <database URL>    builds and starts the release binary on a free
#                                 port (PORT), in a scratch directory (WORK);
#                                 BIN=<path> starts that binary instead, unbuilt
#   bench_run <name> <path|script.lua> <prefix> [connections]
#                                 3-second unmeasured warm-up, then SECONDS_RUN
#                                 seconds measured; sets <prefix>_rps, <prefix>_p99
#                                 and <prefix>_ok (answers without error per second)
# A Lua script given to bench_run ends with "$WORK/report.lua" appended
# (its `done` prints the figures), and reads its inputs from files in WORK.

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/cache/rr-target}
CONNECTIONS=${CONNECTIONS:-64}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

bench_start() {
    if [ -z "${BIN:-}" ]; then
        cargo build --release -q -p rr-server
        BIN=$CARGO_TARGET_DIR/release/rr-server
    fi
    WORK=$(mktemp -d)
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    trap bench_stop EXIT
    export RR_TELEMETRY__FILTER=${RR_TELEMETRY__FILTER:-warn} RR_HTTP__PORT=$PORT RR_DATABASE__URL=$1
    ( cd "$WORK" && exec "$BIN" ) >"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 600); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.1; done
    curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    cat >"$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, errors))
end
LUA
}

bench_stop() {
    [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$WORK"
}

bench_load() { # seconds, path or script, connections
    if [[ $2 == *.lua ]]; then
        wrk -t2 -c"$3" -d"${1}s" -s "$2" "http://127.0.0.1:$PORT"
    else
        wrk -t2 -c"$3" -d"${1}s" -s "$WORK/report.lua" "http://127.0.0.1:$PORT$2"
    fi
}

bench_run() { # name, path or script, variable prefix, [connections]
    local name=$1 target=$2 connections=${4:-$CONNECTIONS} out
    sleep 2 # let the previous scenario's last requests finish
    bench_load 3 "$target" "$connections" >/dev/null # warm-up, not measured: caches, pool, first query
    out=$(bench_load "$SECONDS_RUN" "$target" "$connections")
    read -r _ rps p50 p99 total errors <<<"$(grep '^RESULT' <<<"$out")"
    printf '%-30s %9s req/s   p50 %7s ms   p99 %7s ms   (%s requests, %s errors)\n' \
        "$name" "$rps" "$p50" "$p99" "$total" "$errors"
    eval "${3}_rps=$rps ${3}_p99=$p99 ${3}_ok=$(( (total - errors) / SECONDS_RUN ))"
}
