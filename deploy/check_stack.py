#!/usr/bin/env python3
"""HTTP checks of the nginx stack started by deploy/test.sh.

Speaks to nginx on loopback, as clients would: TLS with the name's SNI, each
simulated client from its own loopback address (127.0.0.0/8 is all local on
Linux) so that per-address rate limits see distinct clients, fresh cookie
jars. Reads the two servers' JSON logs to see which requests reached which
release, by their X-Request-Id. Prints one PASS or FAIL line per check and
exits non-zero when one fails.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse
import uuid
import warnings

# TLS 1.1 is offered on purpose, to see the server refuse it.
warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*TLSv1_1.*")

SECURITY_HEADERS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

RUN = uuid.uuid4().hex[:8]
results = []


def report(name, ok, detail=""):
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}{': ' + detail if detail else ''}", flush=True)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (lower-case name, value), repeats kept
        self.body = body

    def header(self, name):
        values = self.all(name)
        return values[0] if values else None

    def all(self, name):
        return [v for k, v in self.headers if k == name]

    def json(self):
        return json.loads(self.body)

    def cookie(self, name):
        for value in self.all("set-cookie"):
            key, _, rest = value.partition("=")
            if key == name:
                return rest.split(";", 1)[0]
        return None


class Stack:
    def __init__(self, args):
        self.args = args
        self.ctx = ssl.create_default_context(cafile=args.ca)

    def request(self, method, path, *, src="127.0.0.1", headers=None, body=None, cookies=None, https=True,
                sni=None, ctx=None):
        headers = dict(headers or {})
        headers.setdefault("Host", self.args.domain)
        headers.setdefault("User-Agent", "rr-deploy-test/1.0")
        headers.setdefault("Accept", "application/json")
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        port = self.args.https_port if https else self.args.http_port
        sock = socket.create_connection(("127.0.0.1", port), timeout=15, source_address=(src, 0))
        try:
            if https:
                sock = (ctx or self.ctx).wrap_socket(sock, server_hostname=sni or self.args.domain)
            conn = http.client.HTTPConnection(self.args.domain, port, timeout=15)
            conn.sock = sock
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return Response(response.status, [(k.lower(), v) for k, v in response.getheaders()], data)
        finally:
            sock.close()


def client_address(block, i):
    """A distinct loopback address per simulated client: 127.<block>.x.y."""
    return f"127.{block}.{i // 250}.{i % 250 + 1}"


def served_by(log_paths):
    """request id -> the release whose server logged it."""
    seen = {}
    for release, path in log_paths.items():
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                request_id = (event.get("span") or {}).get("request_id")
                if request_id and event.get("message") == "request answered":
                    seen.setdefault(request_id, set()).add(release)
    return seen


def wait_for_logs(stack, ids, timeout=5.0):
    """Server logs are written asynchronously: wait until the given ids show up."""
    deadline = time.time() + timeout
    while True:
        seen = served_by(stack.logs)
        if all(i in seen for i in ids) or time.time() > deadline:
            return seen
        time.sleep(0.2)


# --- checks -------------------------------------------------------------------

def check_redirect(stack):
    r = stack.request("GET", "/api/v1/categories?page=2", https=False)
    expected = f"https://{stack.args.domain}/api/v1/categories?page=2"
    report("HTTP answers 301 to the same path over HTTPS", r.status == 301 and r.header("location") == expected,
           f"{r.status} Location: {r.header('location')}")
    token = f"token-{RUN}"
    os.makedirs(os.path.join(stack.args.acme_dir, ".well-known/acme-challenge"), exist_ok=True)
    with open(os.path.join(stack.args.acme_dir, ".well-known/acme-challenge", token), "w") as f:
        f.write(f"{token}.thumbprint")
    r = stack.request("GET", f"/.well-known/acme-challenge/{token}", https=False)
    report("ACME http-01 challenges are served over HTTP, not redirected",
           r.status == 200 and r.body.decode() == f"{token}.thumbprint", f"{r.status}")


def check_tls(stack):
    def handshake(min_version, max_version, ciphers=None, sni=None):
        ctx = ssl.create_default_context(cafile=stack.args.ca)
        ctx.minimum_version, ctx.maximum_version = min_version, max_version
        if ciphers:
            ctx.set_ciphers(ciphers)
        try:
            with socket.create_connection(("127.0.0.1", stack.args.https_port), timeout=5) as raw:
                with ctx.wrap_socket(raw, server_hostname=sni or stack.args.domain) as tls:
                    return f"{tls.version()} {tls.cipher()[0]}"
        except (ssl.SSLError, ConnectionError) as err:
            return f"refused: {err}"

    v = ssl.TLSVersion
    result = handshake(v.TLSv1_3, v.TLSv1_3)
    report("TLS 1.3 accepted", result.startswith("TLSv1.3"), result)
    result = handshake(v.TLSv1_2, v.TLSv1_2, "ECDHE-ECDSA-AES128-GCM-SHA256")
    report("TLS 1.2 with an AEAD cipher accepted", result.startswith("TLSv1.2"), result)
    result = handshake(v.TLSv1_2, v.TLSv1_2, "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:@SECLEVEL=0")
    report("TLS 1.2 with CBC ciphers only refused by the server", "alert handshake failure" in result, result)
    result = handshake(v.TLSv1_1, v.TLSv1_1, "DEFAULT:@SECLEVEL=0")
    report("TLS 1.1 refused by the server", "alert protocol version" in result, result)
    result = handshake(v.TLSv1_2, v.TLSv1_3, sni="not-our-name.example")
    report("a TLS client asking for another name is refused", result.startswith("refused"), result)


def check_headers(stack):
    def headers_ok(r):
        wrong = []
        for name, value in SECURITY_HEADERS.items():
            got = r.all(name)
            if got != [value]:
                wrong.append(f"{name}={got}")
        csp = r.all("content-security-policy")
        if len(csp) != 1:
            wrong.append(f"content-security-policy={csp}")
        return wrong, csp

    r = stack.request("GET", "/api/v1/categories", src="127.2.0.1")
    wrong, csp = headers_ok(r)
    report("HSTS and security headers once each on an API answer", r.status == 200 and not wrong and csp == [API_CSP],
           f"{r.status} " + (", ".join(wrong) or "all present"))
    r = stack.request("GET", "/docs/", src="127.2.0.1")
    wrong, csp = headers_ok(r)
    report("the documentation keeps the server's wider CSP, once", r.status == 200 and not wrong and csp
           and "script-src 'self'" in csp[0], f"{r.status} {csp}")
    r = stack.request("GET", "/metrics", src="127.2.0.1")
    wrong, csp = headers_ok(r)
    report("/metrics closed (403 problem) with the security headers on nginx's own answer",
           r.status == 403 and not wrong and csp == [API_CSP]
           and r.header("content-type") == "application/problem+json", f"{r.status} " + (", ".join(wrong) or ""))


def check_canary(stack, clients=2000, returning=300, repeats=4):
    def first(i):
        rid = f"split-{RUN}-{i}-0"
        r = stack.request("GET", "/api/v1/categories", src=client_address(10, i), headers={"X-Request-Id": rid})
        return i, r.status, r.header("x-rr-release"), r.cookie("rr_client"), rid

    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        firsts = list(pool.map(first, range(clients)))
    elapsed = time.time() - started
    bad = [f for f in firsts if f[1] != 200 or f[2] not in ("stable", "canary") or not f[3]]
    report(f"{clients} new clients served, each given a release and a client cookie", not bad,
           f"{len(bad)} not ({bad[:3]}) in {elapsed:.1f}s")
    canary = sum(1 for f in firsts if f[2] == "canary")
    share = 100.0 * canary / clients
    report("canary share of distinct clients within 15% ± 3 points", 12.0 <= share <= 18.0,
           f"{canary}/{clients} = {share:.1f}%")

    def again(f):
        i, _, release, cookie, _ = f
        out = []
        for n in range(1, repeats + 1):
            rid = f"split-{RUN}-{i}-{n}"
            r = stack.request("GET", "/api/v1/categories", src=client_address(10, i),
                              headers={"X-Request-Id": rid}, cookies={"rr_client": cookie})
            out.append((r.header("x-rr-release"), r.cookie("rr_client"), rid))
        return release, out

    sample = [f for f in firsts if f[2] == "canary"][: returning // 2]
    sample += [f for f in firsts if f[2] == "stable"][: returning - len(sample)]
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        returns = list(pool.map(again, sample))
    moved = [(rel, out) for rel, out in returns if any(o[0] != rel for o in out)]
    recookied = [(rel, out) for rel, out in returns if any(o[1] for o in out)]
    report(f"{len(sample)} returning clients stay on their release over {repeats} more requests each",
           not moved and not recookied, f"{len(moved)} moved, {len(recookied)} given a new cookie")

    # Where the requests really went: the servers' own logs, by request id.
    expected = {f[4]: f[2] for f in firsts}
    for release, out in returns:
        expected.update({rid: release for _, _, rid in out})
    seen = wait_for_logs(stack, list(expected))
    wrong = [rid for rid, release in expected.items() if seen.get(rid) != {release}]
    report("every request reached the release its X-RR-Release header names (servers' logs)", not wrong,
           f"{len(expected)} requests, {len(wrong)} elsewhere or missing {wrong[:3]}")
    return firsts


def worker_pids(master):
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def reload_nginx(stack):
    master = int(open(stack.args.nginx_pid).read())
    before = worker_pids(master)
    os.kill(master, signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline:
        now = worker_pids(master)
        if now and not (now & before):
            return True
        time.sleep(0.1)
    return False


def check_raise(stack, firsts, percent=30):
    """Raising the share only moves clients from stable to canary."""
    with open(stack.args.split_conf) as f:
        text = f.read()
    with open(stack.args.split_conf, "w") as f:
        f.write(text.replace("15%  canary;", f"{percent}%  canary;"))
    reloaded = reload_nginx(stack)

    def back(f):
        i, _, release, cookie, _ = f
        r = stack.request("GET", "/health/live", src=client_address(10, i), cookies={"rr_client": cookie})
        return release, r.header("x-rr-release")

    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        after = list(pool.map(back, firsts))
    left = sum(1 for before, now in after if before == "canary" and now != "canary")
    share = 100.0 * sum(1 for _, now in after if now == "canary") / len(after)
    report(f"raising the split to {percent}% keeps every canary client on the canary",
           reloaded and left == 0 and percent - 4 <= share <= percent + 4,
           f"reloaded={reloaded}, {left} left the canary, share now {share:.1f}%")
    with open(stack.args.split_conf, "w") as f:
        f.write(text)
    reload_nginx(stack)

    r = stack.request("GET", "/health/live", src="127.2.0.2", cookies={"rr_release": "canary"})
    report("a tester pins the canary with the rr_release cookie", r.header("x-rr-release") == "canary",
           f"{r.header('x-rr-release')}")


def check_waf(stack, login):
    probes = {
        "SQL injection in the query": ("GET", "/api/v1/resources?q=" + urllib.parse.quote("1' OR '1'='1"), None),
        "XSS in the query": ("GET", "/api/v1/resources?q=" + urllib.parse.quote("<script>alert(1)</script>"), None),
        "XSS in a JSON field": ("POST", "/api/v1/auth/register",
                                {"email": "<script>alert(1)</script>@exemple.fr", "username": "x"}),
        # The password exclusion is narrow: the same string elsewhere is blocked.
        "SQL injection in a JSON field other than a password": ("POST", "/api/v1/auth/login",
                                                               {"email": login["password"], "password": "x"}),
    }
    ids = {}
    for n, (name, (method, path, body)) in enumerate(probes.items()):
        rid = f"waf-{RUN}-{n}"
        ids[rid] = name
        r = stack.request(method, path, src=f"127.4.0.{n + 1}", headers={"X-Request-Id": rid}, body=body)
        code = r.json().get("code") if r.header("content-type") == "application/problem+json" else None
        report(f"WAF answers 403 to {name}", r.status == 403 and code == "request_blocked", f"{r.status} {code}")

    legit = []

    def legit_call(name, method, path, body=None, expect=200, src="127.5.0.1", **kw):
        rid = f"legit-{RUN}-{len(legit)}"
        legit.append(rid)
        r = stack.request(method, path, src=src, headers={"X-Request-Id": rid, **kw.pop("headers", {})},
                          body=body, **kw)
        report(f"legitimate call passes: {name}", r.status == expect,
               f"{r.status}" + ("" if r.status == expect else f" {r.body[:200]!r}"))
        return r

    r = legit_call("GET /api/v1/categories", "GET", "/api/v1/categories")
    report("  and lists the 13 categories", r.status == 200 and len(r.json().get("items", [])) == 13)
    legit_call("a search with French apostrophes", "GET",
               "/api/v1/resources?q=" + urllib.parse.quote("l'amitié entre voisins, c'est « important »"))
    r = legit_call("POST /api/v1/auth/login (JSON, a password that looks like SQL)", "POST",
                   "/api/v1/auth/login", {"email": login["email"], "password": login["password"]})
    token = r.json().get("accessToken") if r.status == 200 else None
    # The session lives in the database of the release that logged in: the
    # client's cookie keeps it there (each test release has its own SQLite).
    jar = {"rr_client": r.cookie("rr_client")} if r.cookie("rr_client") else {}
    legit_call("PATCH /api/v1/me with accented names and an apostrophe", "PATCH", "/api/v1/me",
               {"firstName": "Zoé-Marie", "lastName": "d'Arc de L'Hôpital"},
               headers={"Authorization": f"Bearer {token}"}, cookies=jar)

    seen = wait_for_logs(stack, legit)
    reached = [ids[rid] for rid in ids if rid in seen]
    missing_legit = [rid for rid in legit if rid not in seen]
    report("no WAF probe reached either server; every legitimate call did (servers' logs)",
           not reached and not missing_legit, f"probes reached: {reached}, legitimate calls missing: {missing_legit}")
    audit = open(stack.args.audit_log, encoding="utf-8", errors="replace").read()
    report("every probe is in ModSecurity's audit log under its request id", all(rid in audit for rid in ids),
           f"{sum(rid in audit for rid in ids)}/{len(ids)}")
    access = open(stack.args.access_log, encoding="utf-8", errors="replace").read()
    leaks = [line for line in access.splitlines() if "?" in line or "q=" in line]
    report("nginx's access log holds paths, never query strings", f"waf-{RUN}-0" in access and not leaks,
           f"{len(leaks)} lines with a query string {leaks[:1]}")


def check_rate_limit(stack):
    ids, statuses = [], []
    for n in range(15):
        rid = f"rate-{RUN}-{n}"
        ids.append(rid)
        r = stack.request("POST", "/api/v1/auth/refresh", src="127.6.0.1", headers={"X-Request-Id": rid},
                          body={"refreshToken": "x"})
        statuses.append((r.status, r.json().get("code"), r.header("retry-after"), r.header("x-content-type-options")))
    limited = [rid for rid, s in zip(ids, statuses) if s[0] == 429]
    passed = [rid for rid, s in zip(ids, statuses) if s[0] != 429]
    shaped = all(s[1] == "too_many_requests" and s[2] and s[3] == "nosniff" for s in statuses if s[0] == 429)
    report("/api/v1/auth/ is rate limited per address: 429 too_many_requests with Retry-After",
           5 <= len(passed) <= 8 and len(limited) >= 7 and shaped,
           f"{len(passed)} passed, {len(limited)} limited")
    seen = wait_for_logs(stack, passed)
    report("the limited requests never reached a server",
           all(rid in seen for rid in passed) and not any(rid in seen for rid in limited))
    r = stack.request("GET", "/api/v1/categories", src="127.6.0.2")
    report("another address is not limited", r.status == 200, f"{r.status}")


def check_failover(stack):
    """Passive health check: with the canary down, its clients get the stable release."""
    os.kill(stack.args.canary_pid, signal.SIGTERM)
    deadline = time.time() + 40
    while time.time() < deadline:
        try:
            os.kill(stack.args.canary_pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    ids, statuses = [], []
    for n in range(5):
        rid = f"failover-{RUN}-{n}"
        ids.append(rid)
        r = stack.request("GET", "/api/v1/categories", src="127.7.0.1", headers={"X-Request-Id": rid},
                          cookies={"rr_release": "canary"})
        statuses.append(r.status)
    seen = wait_for_logs(stack, ids)
    report("canary down: its clients are answered by the stable release",
           statuses == [200] * 5 and all(seen.get(rid) == {"stable"} for rid in ids), f"{statuses}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--domain", required=True)
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--https-port", type=int, required=True)
    p.add_argument("--ca", required=True)
    p.add_argument("--acme-dir", required=True)
    p.add_argument("--stable-log", required=True)
    p.add_argument("--canary-log", required=True)
    p.add_argument("--canary-pid", type=int, required=True)
    p.add_argument("--audit-log", required=True)
    p.add_argument("--access-log", required=True)
    p.add_argument("--nginx-pid", required=True)
    p.add_argument("--split-conf", required=True)
    p.add_argument("--login-email", required=True)
    p.add_argument("--login-password", required=True)
    p.add_argument("--clients", type=int, default=2000)
    args = p.parse_args()
    stack = Stack(args)
    stack.logs = {"stable": args.stable_log, "canary": args.canary_log}

    check_redirect(stack)
    check_tls(stack)
    check_headers(stack)
    firsts = check_canary(stack, clients=args.clients)
    check_raise(stack, firsts)
    check_waf(stack, {"email": args.login_email, "password": args.login_password})
    check_rate_limit(stack)
    check_failover(stack)
    failed = results.count(False)
    print(f"stack: {len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
