#!/usr/bin/env bash
# Load test of the community features on a seeded database (`rr-server seed`
# with its default comments, see docs/operations/runbook.md), against the
# release binary with the load generator on the same machine:
#   1. the first page of the comment thread of a public resource with at least
#      1,000 comments, as a visitor     GET /api/v1/resources/{id}/comments
#   2. an administrator's statistics query over the last 365 days, every
#      measure, grouped by month, timed one after another (STATS_RUNS times)
#                                        GET /api/v1/admin/statistics
#   3. comments posted by many accounts in turn on public resources in turn,
#      within the shipped per-account write limits (last: it writes)
#                                        POST /api/v1/resources/{id}/comments
#
#   bench/community-load.sh <database URL> [seconds per scenario]   (default 15)
#   e.g. bench/community-load.sh sqlite:///tmp/rr-seed.sqlite
#        bench/community-load.sh mysql://rr:rr@127.0.0.1:3306/rr_seed
#
# ACCOUNTS_FILE (default /tmp/rr-seed-accounts.txt, the seed's --accounts-file)
# lists the accounts that post; SEED_PASSWORD is their password (the seed's
# default unless changed); RR_SECURITY__DEVELOPMENT_KEYS_DIR (default
# /tmp/rr-seed-keys) holds the keys the seed used. WRITERS accounts log in
# first (default 2,000, about 40 s of logins). Each of them posts about
# rate × seconds / WRITERS comments, far beyond the shipped budget (5 at once,
# then one per 12 s): the run raises the per-account comment budget so that
# the figure is the cost of a post, the limiter still checked on every one
# (its refusals are measured by the HTTP tests). Only 2xx answers count. The administrator is created for
# the run with `rr-server admin create-user` and enrols in two-factor
# authentication through the API. Login limits per client address are raised
# for the run (every login comes from 127.0.0.1). Checks the figures against the
# community issue's targets; exit status 0 whatever they are.
set -euo pipefail

cd "$(dirname "$0")/.."
URL=${1:?usage: bench/community-load.sh <database URL> [seconds]}
SECONDS_RUN=${2:-15}
ACCOUNTS_FILE=${ACCOUNTS_FILE:-/tmp/rr-seed-accounts.txt}
SEED_PASSWORD=${SEED_PASSWORD:-Seed-Relations-2026!}
WRITERS=${WRITERS:-2000}
STATS_RUNS=${STATS_RUNS:-5}
[ -s "$ACCOUNTS_FILE" ] || { echo "no accounts file at $ACCOUNTS_FILE (rr-server seed --accounts-file)" >&2; exit 1; }

# The public, published resource with the most comments, read from the database.
HOT_SQL="SELECT HEX(c.resource_id) FROM comments c JOIN resources r ON r.id = c.resource_id
         WHERE r.visibility = 'public' AND r.state = 'published'
         GROUP BY c.resource_id ORDER BY COUNT(*) DESC LIMIT 1"
case $URL in
    sqlite:*) HOT=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
                  "${URL#sqlite://}" "$HOT_SQL") ;;
    mysql:*) DB=${URL##*/}; HOT=$(mariadb -uroot -N -e "$HOT_SQL" "${DB%%\?*}") ;;
    *) echo "unknown database URL $URL" >&2; exit 1 ;;
esac
HOT=$(python3 -c 'import sys,uuid; print(uuid.UUID(sys.argv[1]))' "$HOT")

export RR_HTTP__AUTH_REQUESTS_PER_MINUTE=10000000 RR_HTTP__AUTH_BURST=10000000
export RR_LIMITS__WRITES__COMMENTS_PER_MINUTE=100000 RR_LIMITS__WRITES__COMMENTS_PER_HOUR=1000000
# The keys the seed encrypted the accounts with (its blind index finds them).
export RR_SECURITY__DEVELOPMENT_KEYS_DIR=${RR_SECURITY__DEVELOPMENT_KEYS_DIR:-/tmp/rr-seed-keys}
source bench/lib.sh
bench_start "$URL"

ADMIN_EMAIL="bench-admin-$(date +%s)@exemple.fr"
( cd "$WORK" && echo "$SEED_PASSWORD" | "$BIN" admin create-user --role administrator --email "$ADMIN_EMAIL" \
    --username "bench-admin-$(date +%s)" --first-name Banc --last-name Essai --password-stdin >/dev/null ) \
    || { echo "admin create-user failed" >&2; exit 1; }

# Tokens of the writers and of the administrator (with two-factor
# authentication), resources to comment on, and the thread's size.
python3 - "$PORT" "$WORK" "$ACCOUNTS_FILE" "$SEED_PASSWORD" "$WRITERS" "$HOT" "$ADMIN_EMAIL" <<'PY'
import base64, concurrent.futures, hashlib, hmac, http.client, json, struct, sys, time
port, work, accounts_file, password, writers, hot, admin = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7]

def call(method, path, body=None, token=None, conn=None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", int(port))
    headers = {"Content-Type": "application/json"}
    if token: headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse(); data = r.read()
    return r.status, (json.loads(data) if data else None)

def login(email, conn=None):
    status, body = call("POST", "/api/v1/auth/login", {"email": email, "password": password}, conn=conn)
    return body["accessToken"] if status == 200 else None

emails = [line.strip() for line in open(accounts_file) if line.strip()][:writers]
def login_all(chunk):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    return [login(email, conn) for email in chunk]
chunks = [emails[i::8] for i in range(8)]
started = time.time()
with concurrent.futures.ThreadPoolExecutor(8) as pool:
    tokens = [t for part in pool.map(login_all, chunks) for t in part if t]
if len(tokens) < len(emails):
    sys.exit(f"only {len(tokens)} of {len(emails)} accounts could log in")
open(f"{work}/tokens.txt", "w").write("\n".join(tokens) + "\n")

ids, cursor = [], None
for _ in range(10):
    status, page = call("GET", "/api/v1/resources?limit=100" + (f"&cursor={cursor}" if cursor else ""))
    ids += [item["id"] for item in page["items"]]
    cursor = page["nextCursor"]
    if not cursor: break
open(f"{work}/targets.txt", "w").write("\n".join(ids) + "\n")

status, thread = call("GET", f"/api/v1/resources/{hot}/comments")
if status != 200: sys.exit(f"GET the hot thread: {status} {thread}")

def totp(secret, step):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
token = login(admin)
status, enrolment = call("POST", "/api/v1/me/two-factor/totp", token=token)
status, codes = call("POST", "/api/v1/me/two-factor/totp/confirm", {"code": totp(enrolment["secret"], int(time.time()) // 30)}, token=token)
if status != 200: sys.exit(f"two-factor confirmation: {status} {codes}")
status, challenge = call("POST", "/api/v1/auth/login", {"email": admin, "password": password})
status, session = call("POST", "/api/v1/auth/login/second-factor", {"challenge": challenge["challenge"], "code": codes["recoveryCodes"][0]})
if status != 200: sys.exit(f"second factor: {status} {session}")
open(f"{work}/admin.txt", "w").write(session["accessToken"])
print(f"prepared: {len(tokens)} writers logged in in {time.time() - started:.0f} s; "
      f"{len(ids)} resources to comment on; thread {hot}: {len(thread['items'])} comments on its first page")
PY

cat >"$WORK/post.lua" <<'LUA'
-- Each wrk thread takes every other account, so no account posts from both.
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
local tokens, targets, i, j = {}, {}, 0, 0
function init(args)
  local n = 0
  for line in io.lines(os.getenv("WORK") .. "/tokens.txt") do
    if n % 2 == tid then tokens[#tokens + 1] = line end
    n = n + 1
  end
  for line in io.lines(os.getenv("WORK") .. "/targets.txt") do targets[#targets + 1] = line end
  j = tid * 7
end
request = function()
  i = (i % #tokens) + 1
  j = (j % #targets) + 1
  return wrk.format("POST", "/api/v1/resources/" .. targets[j] .. "/comments",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[i]},
    '{"body":"Merci pour ce partage, je vais essayer cette activité avec ma famille."}')
end
LUA
cat "$WORK/report.lua" >>"$WORK/post.lua"
export WORK

echo "engine: ${URL%%:*}; $CONNECTIONS connections, ${SECONDS_RUN}s per scenario, $(nproc) cores"
bench_run "comment thread, first page" "/api/v1/resources/$HOT/comments" thread
# The statistics query, one request at a time.
read -r stats_median stats_max < <(python3 - "$PORT" "$WORK" "$STATS_RUNS" <<'PY'
import datetime, http.client, statistics, sys, time
port, work, runs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
token = open(f"{work}/admin.txt").read().strip()
today = datetime.date.today()
path = (f"/api/v1/admin/statistics?from={today - datetime.timedelta(days=365)}&to={today + datetime.timedelta(days=1)}"
        "&groupBy=month&measures=consultations,searches,exploitations,favourites,creations,registrations")
times = []
for _ in range(runs):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    r = conn.getresponse(); body = r.read()
    times.append(time.perf_counter() - started)
    if r.status != 200: sys.exit(f"statistics: {r.status} {body[:300]!r}")
print(f"{statistics.median(times):.3f} {max(times):.3f}")
PY
)
printf '%-30s median %6s s   max %6s s   (%s requests, one at a time)\n' "statistics, one year" "$stats_median" "$stats_max" "$STATS_RUNS"

bench_run "posting comments" "$WORK/post.lua" post

python3 - "$thread_rps" "$thread_p99" "$post_ok" "$stats_max" "${URL%%:*}" <<'PY'
import sys
thread, thread_p99, post, stats, engine = *map(float, sys.argv[1:5]), sys.argv[5]
def check(label, ok): print(f"  {'met    ' if ok else 'NOT met'}  {label}")
print("targets:")
check(f"comment thread first page >= 3000 req/s and p99 <= 50 ms ({thread:.0f}, {thread_p99:.1f} ms)", thread >= 3000 and thread_p99 <= 50)
check(f"posting comments >= 1000 req/s, successful posts only ({post:.0f})", post >= 1000)
check(f"statistics over a year <= 2 s{' (the target is set on MariaDB)' if engine != 'mysql' else ''} ({stats:.2f} s)", stats <= 2)
PY
