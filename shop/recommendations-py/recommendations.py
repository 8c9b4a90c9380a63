#!/usr/bin/env python3
"""The recommendations engine stand-in, written in Python with the standard library only.

It is the non-.NET service the Bulwark sidecar (docs/sidecar.md) gives timeouts, deadlines, retries with a budget,
a breaker, metrics and trace propagation without a line of resilience code here. It answers the same contract as
shop/Shop.Externals/Recommendations (GET /recommendations/{productId}?count=N) and has the same kind of fault
controls (/_control/faults), so the shop can call either, directly or through the sidecar, by configuration.

    python3 recommendations.py --port 0      # binds a free loopback port and names it in its ready line

What it records about each request (X-Deadline and traceparent as received) is served at /_control/requests, so
tests can see what the sidecar carried across.
"""

import argparse
import ipaddress
import json
import random
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FAULT_FIELDS = {
    # name: (type, minimum, maximum)
    "latencyMs": (int, 0, 60_000),
    "errorRate": (float, 0.0, 1.0),
    "errorStatus": (int, 400, 599),
    "down": (bool, None, None),
}
NO_FAULTS = {"latencyMs": 0, "errorRate": 0.0, "errorStatus": 503, "down": False}
RECORDED_REQUESTS = 200
MAX_BODY = 64 * 1024
PRODUCT_PATH = re.compile(r"^/recommendations/(\d{1,9})$")


class State:
    """Faults in force and what was seen; one lock because the server answers on many threads."""

    def __init__(self, seed):
        self.lock = threading.Lock()
        self.faults = dict(NO_FAULTS)
        self.requests = 0
        self.injected_errors = 0
        self.shed_late = 0
        self.recent = []
        self.random = random.Random(seed)

    def record(self, path, headers):
        with self.lock:
            self.requests += 1
            self.recent.append({
                "path": path,
                "deadline": headers.get("X-Deadline"),
                "traceparent": headers.get("traceparent"),
                "receivedAtMs": int(time.time() * 1000),
            })
            del self.recent[:-RECORDED_REQUESTS]
            faults = dict(self.faults)
            # A rate of 1 hits every request and 0 none, whatever the generator returns.
            fail = faults["errorRate"] > 0 and self.random.random() < faults["errorRate"]
            if fail:
                self.injected_errors += 1
            return faults, fail


def validate_faults(body):
    if not isinstance(body, dict):
        return None, "Send a JSON object such as {\"latencyMs\":200,\"errorRate\":0.5,\"errorStatus\":503,\"down\":false}."
    faults = dict(NO_FAULTS)
    for name, value in body.items():
        if name not in FAULT_FIELDS:
            return None, f"Unknown fault '{name}'; known: {', '.join(FAULT_FIELDS)}."
        kind, low, high = FAULT_FIELDS[name]
        if kind is bool:
            if not isinstance(value, bool):
                return None, f"{name} must be true or false."
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and value != int(value)):
            return None, f"{name} must be a number."
        elif not low <= value <= high:
            return None, f"{name} must be between {low} and {high}."
        faults[name] = kind(value)
    return faults, None


def recommend(product_id, count):
    # The same deterministic list as the .NET stand-in, so callers can switch between them and assert on content.
    items = []
    for k in range(1, count + 1):
        candidate = ((product_id * 7) + (k * 11)) % 60 + 1
        if candidate != product_id and candidate not in items:
            items.append(candidate)
    return {"productId": product_id, "productIds": items}


class Handler(BaseHTTPRequestHandler):
    # Keep-alive: the sidecar pools connections; HTTP/1.0 would cost a TCP handshake per request.
    protocol_version = "HTTP/1.1"
    server_version = "recommendations-py"
    state: State

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        # One line per request would drown the test output; faults and start-up are what matter.
        pass

    def do_GET(self):
        path, query = self._split()
        if path == "/health/live" or path == "/health/ready":
            return self._json(200, {"status": "Healthy"})
        if path == "/_control/faults":
            return self._control(lambda: self._json(200, self._status()))
        if path == "/_control/requests":
            return self._control(lambda: self._json(200, {"requests": self._recent()}))
        match = PRODUCT_PATH.match(path)
        if not match:
            return self._problem(404, "Not found", f"No resource at {path}.")
        self._serve_recommendations(int(match.group(1)), query)

    def do_PUT(self):
        path, _ = self._split()
        if path != "/_control/faults":
            return self._problem(405, "Method not allowed", "Only the fault controls take PUT.")

        def put():
            try:
                body = json.loads(self._body() or b"null")
            except ValueError:
                return self._problem(400, "Bad request", "The body is not JSON.")
            faults, error = validate_faults(body)
            if error:
                return self._problem(400, "Bad request", error)
            with self.state.lock:
                self.state.faults = faults
            self._json(200, self._status())
        self._control(put)

    def do_DELETE(self):
        path, _ = self._split()
        if path != "/_control/faults":
            return self._problem(405, "Method not allowed", "Only the fault controls take DELETE.")

        def clear():
            with self.state.lock:
                self.state.faults = dict(NO_FAULTS)
            self._json(200, self._status())
        self._control(clear)

    def _serve_recommendations(self, product_id, query):
        faults, fail = self.state.record(self.path, self.headers)
        if faults["down"]:
            # Like a crashed process: the connection drops with no answer.
            self.close_connection = True
            self.connection.close()
            return
        deadline = self._deadline()
        if deadline is not None and deadline <= time.time():
            # The Codex's service B: a caller that has already given up gets no work done for it.
            with self.state.lock:
                self.state.shed_late += 1
            return self._problem(504, "Deadline exceeded", "X-Deadline had passed when the request arrived.")
        if faults["latencyMs"] > 0:
            time.sleep(faults["latencyMs"] / 1000)
        if fail:
            return self._problem(faults["errorStatus"], "Injected fault", "This stand-in was told to fail this share of requests.")
        try:
            count = int(query.get("count", ["4"])[0])
        except ValueError:
            count = 0
        if product_id < 1 or not 1 <= count <= 20:
            return self._problem(400, "Bad request", "productId must be positive and count between 1 and 20.")
        self._json(200, recommend(product_id, count))

    def _deadline(self):
        value = self.headers.get("X-Deadline")
        if value is None or not value.isdigit() or len(value) > 16:
            return None
        return int(value) / 1000

    def _control(self, action):
        # Whoever reaches the controls can break the service: only callers on this machine may.
        if not ipaddress.ip_address(self.client_address[0]).is_loopback:
            return self._problem(403, "Forbidden", "The fault controls answer only to callers on the same machine.")
        action()

    def _status(self):
        with self.state.lock:
            return {
                "faults": dict(self.state.faults),
                "requests": self.state.requests,
                "injectedErrors": self.state.injected_errors,
                "shedLate": self.state.shed_late,
            }

    def _recent(self):
        with self.state.lock:
            return list(self.state.recent)

    def _split(self):
        parts = urlsplit(self.path)
        return parts.path, parse_qs(parts.query)

    def _body(self):
        # .NET's JsonContent has no length and is sent chunked; http.server does not decode that by itself.
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""

    def _json(self, status, payload, content_type="application/json"):
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _problem(self, status, title, detail):
        self._json(status, {"type": "about:blank", "title": title, "status": status, "detail": detail},
                   "application/problem+json")


def main():
    parser = argparse.ArgumentParser(description="Recommendations engine stand-in (Python, standard library only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5122, help="0 binds a free port")
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault dice")
    args = parser.parse_args()

    Handler.state = State(args.seed)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    print(f"Recommendations (python) ready at http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
