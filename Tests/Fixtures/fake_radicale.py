"""Runs a real Radicale (CalDAV) server for the tests, from the test venv.

Usage: fake_radicale.py DIRECTORY USER PASSWORD — stores collections under DIRECTORY, accepts
USER/PASSWORD (Basic, plain htpasswd), listens on a free loopback port and prints it first."""
import os
import signal
import socket
import subprocess
import sys

# A test runner may start us with signals blocked; Radicale inherits the mask: clear it first.
signal.pthread_sigmask(signal.SIG_SETMASK, [])
directory, user, password = sys.argv[1:4]
os.makedirs(directory, exist_ok=True)
with open(os.path.join(directory, "users"), "w") as users:
    users.write(f"{user}:{password}\n")
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
config = os.path.join(directory, "config")
with open(config, "w") as file:
    file.write(f"""[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {directory}/users
htpasswd_encryption = plain
[storage]
filesystem_folder = {directory}/collections
[rights]
type = owner_only
[logging]
level = warning
""")
server = subprocess.Popen([sys.executable, "-m", "radicale", "--config", config],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
        break
    except OSError:
        import time
        time.sleep(0.05)
print(port, flush=True)


def stop(*_):
    server.terminate()  # no wait(): the main thread holds Popen's lock inside server.wait()
    os._exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
server.wait()
