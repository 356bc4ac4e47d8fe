"""What every local fake shares: staying stoppable under the Swift test runner, and serving on a
free loopback port announced on the first line of stdout (Tests/TestSupport/FakeServer.swift reads it)."""
import json
import os
import signal
import socket
import threading
import time
from http.server import ThreadingHTTPServer


def stay_stoppable():
    """Started from a test thread whose signal mask blocks SIGTERM, this process inherits that mask
    and would outlive FakeServer.stop(): unblock it. And when the test process dies without
    stopping us (a crash), exit too instead of lingering as an orphan."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()

    def watch_parent():
        while True:
            time.sleep(1)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()


def serve_http(handler, on_port=None):
    """Serves `handler` on 127.0.0.1, a free port printed first (after `on_port(port)`), until stopped."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if on_port:
        on_port(server.server_address[1])
    print(server.server_address[1], flush=True)
    server.serve_forever()


def first_matching_rule(rules, path, method):
    """The first failure rule whose "path" (a substring of the URL path) and "method" match and
    whose "times" is not used up (default 1, negative: forever), one use taken from it; else None."""
    for rule in rules:
        if rule.get("times", 1) == 0:
            continue
        if "path" in rule and rule["path"] not in path:
            continue
        if "method" in rule and rule["method"].upper() != method:
            continue
        if rule.get("times", 1) > 0:
            rule["times"] = rule.get("times", 1) - 1
        return rule
    return None


class Holds:
    """Requests held by a {"hold": true} rule until {"release": true}; `count` says how many wait."""

    def __init__(self, lock):
        self.lock = lock
        self.released = threading.Event()
        self.count = 0

    def wait(self):
        with self.lock:
            self.count += 1
        self.released.wait(60)
        with self.lock:
            self.count -= 1

    def release(self):
        self.released.set()

    def rearm(self):
        self.released.clear()


def drop_connection(handler):
    """Closes a request's connection without a word: the client sees an empty reply."""
    handler.close_connection = True
    try:
        handler.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def control_command(body):
    """A /_control request's JSON object, or None when the body is not one."""
    try:
        command = json.loads(body or "{}")
    except ValueError:
        return None
    return command if isinstance(command, dict) else None
