#!/usr/bin/env bash
# Load test of the catalogue on a seeded database (see `rr-server seed` in
# docs/operations/runbook.md): requests per second and p50/p99 latency, with
# 64 connections (wrk, installed from the distribution when missing), for
#   1. the first page of the public catalogue        GET /api/v1/resources
#   2. page 500 of it, through the cursor            GET /api/v1/resources?cursor=…
#   3. one resource by id (1,000 ids in turn)        GET /api/v1/resources/{id}
#   4. a filtered full-text search                   GET /api/v1/resources?q=…&category=…
# as a visitor, against the release binary, load generator on the same machine,
# each after a 3-second warm-up that is not measured.
#
#   bench/catalogue-load.sh <database URL> [seconds per scenario]   (default 15)
#   e.g. bench/catalogue-load.sh sqlite:///tmp/rr-seed.sqlite
#        bench/catalogue-load.sh mysql://rr:rr@127.0.0.1:3306/rr_seed
#
# SEARCH overrides the search's query string (default below); CONNECTIONS the
# connection count. RR_… variables reach the server: with
# RR_RESOURCES__VISITOR_PAGES_TTL_MS=0 visitors' pages are not reused, and
# every request reaches the database (the engine's own figures). Prints one line per scenario and checks them against the
# resources issue's targets: catalogue ≥ 3,000 req/s with p99 ≤ 50 ms; page 500
# within 20 % of page 1; search ≥ 1,000 req/s with p99 ≤ 100 ms; resource by
# id ≥ 6,000 req/s. Exit status 0 whatever the figures: it measures, it does
# not judge a build.
set -euo pipefail

cd "$(dirname "$0")/.."
URL=${1:?usage: bench/catalogue-load.sh <database URL> [seconds]}
SECONDS_RUN=${2:-15}
# A common word ("solitude": one resource in six) in the category "communication".
SEARCH=${SEARCH:-q=solitude&category=01a22499-f800-7101-8000-000000000000}
source bench/lib.sh
bench_start "$URL"

# Ids to read, the cursor of page 500, and what the search finds, through the API.
python3 - "$PORT" "$WORK" "$SEARCH" <<'PY'
import http.client, json, sys, urllib.parse
port, work, search = int(sys.argv[1]), sys.argv[2], sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", port)
def get(path):
    conn.request("GET", path)
    r = conn.getresponse(); body = r.read()
    if r.status != 200:
        sys.exit(f"GET {path}: {r.status} {body[:300]!r}")
    return json.loads(body)
ids, cursor = [], None
for _ in range(10):
    page = get("/api/v1/resources?limit=100" + (f"&cursor={cursor}" if cursor else ""))
    ids += [item["id"] for item in page["items"]]
    cursor = page["nextCursor"]
    if not cursor: break
open(f"{work}/ids.txt", "w").write("\n".join(ids) + "\n")
cursor, pages = None, 1
while pages < 500:
    page = get("/api/v1/resources" + (f"?cursor={cursor}" if cursor else ""))
    cursor = page["nextCursor"]
    if not cursor: sys.exit(f"the catalogue has {pages} pages of 20, fewer than 500")
    pages += 1
open(f"{work}/cursor.txt", "w").write(cursor)
found = get(f"/api/v1/resources?{search}")
print(f"prepared: {len(ids)} ids; page 500 cursor {cursor}; the search's first page holds {len(found['items'])} items")
PY

CURSOR=$(cat "$WORK/cursor.txt")
cat >"$WORK/ids.lua" <<'LUA'
local ids, i = {}, 0
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
request = function()
  i = (i % #ids) + 1
  return wrk.format("GET", "/api/v1/resources/" .. ids[i])
end
LUA
cat "$WORK/report.lua" >>"$WORK/ids.lua"
export IDS_FILE="$WORK/ids.txt"

echo "engine: ${URL%%:*}; $CONNECTIONS connections, ${SECONDS_RUN}s per scenario, $(nproc) cores; visitors' pages reused for ${RR_RESOURCES__VISITOR_PAGES_TTL_MS:-2000} ms"
bench_run "catalogue, first page" "/api/v1/resources" first
bench_run "catalogue, page 500" "/api/v1/resources?cursor=$CURSOR" deep
bench_run "resource by id" "$WORK/ids.lua" byid
bench_run "search ($SEARCH)" "/api/v1/resources?$SEARCH" search

python3 - "$first_rps" "$first_p99" "$deep_rps" "$search_rps" "$search_p99" "$byid_rps" <<'PY'
import sys
first, first_p99, deep, search, search_p99, byid = map(float, sys.argv[1:])
def check(label, ok): print(f"  {'met    ' if ok else 'NOT met'}  {label}")
print("targets:")
check(f"catalogue first page >= 3000 req/s and p99 <= 50 ms ({first:.0f}, {first_p99:.1f} ms)", first >= 3000 and first_p99 <= 50)
check(f"page 500 within 20 % of page 1 ({deep / first * 100:.0f} %)", abs(deep - first) <= 0.2 * first)
check(f"search >= 1000 req/s and p99 <= 100 ms ({search:.0f}, {search_p99:.1f} ms)", search >= 1000 and search_p99 <= 100)
check(f"resource by id >= 6000 req/s ({byid:.0f})", byid >= 6000)
PY
