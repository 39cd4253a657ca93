#!/usr/bin/env python3
"""Time from process start to a 200 on /health/ready, first start and restarts.

    bench/start-to-ready.py path/to/rr-server [restarts]

Runs the binary in a fresh temporary directory (so the first start creates
data/rr.sqlite, the development keys and applies every migration), polls
/health/ready every 2 ms, stops it with SIGTERM, then restarts it on the same
directory `restarts` times (default 5) and prints the figures.
"""
import os, socket, subprocess, sys, tempfile, time, urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def once(binary, workdir, port):
    env = dict(os.environ, RR_HTTP__PORT=str(port), RR_TELEMETRY__FILTER="warn")
    started = time.perf_counter()
    process = subprocess.Popen([binary], cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None:
                sys.exit(f"rr-server exited with {process.returncode} before it was ready")
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1).status == 200:
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.002)
    finally:
        process.terminate()
        process.wait()


def main():
    binary = os.path.abspath(sys.argv[1])
    restarts = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        first = once(binary, workdir, port)
        again = [once(binary, workdir, port) for _ in range(restarts)]
    print(f"start to ready: first start {first * 1000:.0f} ms (creates the database and keys, migrates); "
          f"restarts {min(again) * 1000:.0f}-{max(again) * 1000:.0f} ms ({restarts} runs)")


if __name__ == "__main__":
    main()
