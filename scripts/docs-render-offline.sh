#!/usr/bin/env bash
# Proves that the API documentation at /docs renders in a real browser with no
# network: the server and headless Chromium run in a network namespace that
# has only a loopback interface, and the rendered DOM must show the API's
# title and its operations.
#   usage: scripts/docs-render-offline.sh path/to/rr-server [screenshot.png]
set -euo pipefail

binary=$(realpath "$1")
screenshot=${2:-}
if ! command -v chromium >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/inside.sh" <<INSIDE
set -euo pipefail
ip link set lo up
cd "$work"
RR_HTTP__PORT=18383 RR_TELEMETRY__FILTER=warn "$binary" >server.log 2>&1 &
server=\$!
for _ in \$(seq 100); do curl -fs http://127.0.0.1:18383/health/ready >/dev/null && break; sleep 0.1; done
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir=$work/profile --virtual-time-budget=10000"
timeout 90 chromium \$flags --dump-dom http://127.0.0.1:18383/docs/ >dom.html 2>chromium.log || true
if [ -n "$screenshot" ]; then
    timeout 90 chromium \$flags --window-size=1280,1600 --screenshot="$screenshot" http://127.0.0.1:18383/docs/ 2>>chromium.log || true
fi
kill \$server
INSIDE
unshare --net bash "$work/inside.sh"

for expected in "Ressources Relationnelles API" "/api/v1/categories" "/health/ready" "ProblemDetails"; do
    grep -q "$expected" "$work/dom.html" || { echo "the rendered /docs page lacks: $expected" >&2; exit 1; }
done
echo "/docs rendered offline: title, operations and schemas present"
