"""The Bookinfo demo's workloads and traffic.

`demo.py backends` serves every WorkloadEntry of mesh/services.yaml on its loopback
address (port 9080), each answering with its app and version.
`demo.py traffic URL` sends requests through the gateway and prints, every two
seconds, which versions answered /reviews (and what jason sees), until Ctrl-C.
"""
import collections
import http.server
import json
import sys
import threading
import time
import urllib.request

WORKLOADS = [
    ("productpage", "v1", "127.0.0.20"),
    ("details", "v1", "127.0.0.21"),
    ("ratings", "v1", "127.0.0.22"),
    ("reviews", "v1", "127.0.0.23"),
    ("reviews", "v2", "127.0.0.24"),
    ("reviews", "v3", "127.0.0.25"),
]


def serve(app, version, address):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self):
            body = json.dumps({"app": app, "version": version, "path": self.path}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((address, 9080), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def backends():
    for workload in WORKLOADS:
        serve(*workload)
    print("backends: " + ", ".join(f"{a}-{v}@{ip}:9080" for a, v, ip in WORKLOADS), flush=True)
    threading.Event().wait()


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())["version"]
    except Exception as error:  # noqa: BLE001 - any failure is counted, not fatal
        return f"error ({error.__class__.__name__})"


def traffic(base):
    while True:
        seen = collections.Counter(fetch(base + "/reviews/1") for _ in range(100))
        jason = fetch(base + "/reviews/1", {"end-user": "jason"})
        split = "  ".join(f"{version} {count}%" for version, count in sorted(seen.items()))
        print(f"{time.strftime('%H:%M:%S')}  /reviews over 100 requests: {split}   (end-user jason: {jason})", flush=True)
        time.sleep(2)


if __name__ == "__main__":
    if sys.argv[1:2] == ["backends"]:
        backends()
    elif sys.argv[1:2] == ["traffic"] and len(sys.argv) == 3:
        try:
            traffic(sys.argv[2])
        except KeyboardInterrupt:
            pass
    else:
        sys.exit(__doc__)
