"""A tiny HTTP server for the HTTP client's tests: /echo, /hang, /status/N, /flaky?key=K."""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

attempts = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if url.path == "/echo":
            payload = {"method": self.command, "body": body, "path": url.path, "query": url.query}
            payload.update({k.lower(): v for k, v in self.headers.items()})
            self.reply(200, json.dumps(payload).encode(), [("Content-Type", "application/json")])
        elif url.path == "/hang":
            time.sleep(30)
            self.reply(200)
        elif url.path.startswith("/status/"):
            self.reply(int(url.path.split("/")[-1]))
        elif url.path == "/flaky":
            key = parse_qs(url.query)["key"][0]
            attempts[key] = attempts.get(key, 0) + 1
            if attempts[key] == 1:
                self.reply(429, b"slow down", [("Retry-After", "2")])
            elif attempts[key] == 2:
                self.reply(500, b"oops")
            else:
                self.reply(200, b"ok")
        else:
            self.reply(404)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
