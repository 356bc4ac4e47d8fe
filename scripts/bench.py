"""The benchmarks of scripts/bench, run inside pg_virtualenv (the PG* variables name the server).

Each timed case runs the artisanctl command and its reference alternately, RUNS times each, and
reports the median wall time of both and their ratio (artisanctl / reference) against the target.
The data: the demo artisan with 100,000 bookings over five years and 10,000 external busy blocks."""
import os
import statistics
import subprocess
import sys
import time

import bench_http

ARTISANCTL = os.environ["ARTISANCTL"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(os.environ.get("RUNS", "31"))
DEMO = "lea.martin@example.com"
NOW = "2026-06-01T08:00:00+02:00"
ENV = dict(os.environ, ARTISANCTL_NOW=NOW)
# Pairs of active bookings of one artisan that overlap: always 0. Written with the exclusion
# constraint's own predicate, so that its GiST index serves the join.
OVERLAPS = """SELECT count(*) FROM bookings a JOIN bookings b ON a.artisan_id = b.artisan_id AND a.occupied && b.occupied AND a.id < b.id
              WHERE a.status IN ('confirmed', 'rescheduled') AND b.status IN ('confirmed', 'rescheduled')"""


def artisanctl(*arguments):
    return [ARTISANCTL, "--artisan", DEMO, *arguments]


def psql(sql):
    return ["psql", "-X", "-q", "-A", "-t", "-c", sql]


def run(command, env=ENV):
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed: {completed.stderr.decode().strip()}")
    return elapsed


def compare(name, ours, reference, target, runs=None, before=None):
    """`before`, when given, runs untimed before each artisanctl run (to reset state)."""
    runs = runs or RUNS
    if before:
        before()
    run(ours), run(reference)  # warm the caches of both before measuring
    ours_times, reference_times = [], []
    for _ in range(runs):
        if before:
            before()
        ours_times.append(run(ours))
        reference_times.append(run(reference))
    ours_median = statistics.median(ours_times) * 1000
    reference_median = statistics.median(reference_times) * 1000
    ratio = ours_median / reference_median
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(f"{name:<34} artisanctl {ours_median:8.2f} ms   reference {reference_median:8.2f} ms   "
          f"ratio {ratio:5.2f} (target <= {target}) {verdict}", flush=True)
    return ratio <= target


def peak_memory(name, command, limit_mb):
    completed = subprocess.run(["/usr/bin/time", "-f", "%M", *command], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=ENV, check=True)
    peak_mb = int(completed.stderr.decode().strip().splitlines()[-1]) / 1024
    verdict = "ok" if peak_mb <= limit_mb else "OVER TARGET"
    print(f"{name:<34} peak memory {peak_mb:6.1f} MB (target <= {limit_mb} MB) {verdict}", flush=True)
    return peak_mb <= limit_mb


def sql(statement):
    return subprocess.run(psql(statement), check=True, capture_output=True, text=True).stdout.strip()


def seed():
    subprocess.run(artisanctl("artisan", "set", "--horizon-days", "730"), check=True, env=ENV, stdout=subprocess.DEVNULL)
    # 87,648 half-hour bookings back to back from 2024 to the end of 2028, and 12,352 cancelled ones.
    sql(f"""
        INSERT INTO bookings (public_code, artisan_id, service_id, status, customer_name, customer_email, start_datetime,
                              duration_minutes, price_cents, deposit_amount_cents, deposit_rate)
        SELECT 'B' || lpad(g::text, 8, '0'), a.id, s.id, CASE WHEN g > 87648 THEN 'cancelled' ELSE 'confirmed' END,
               'Client ' || g, 'client' || g || '@example.com',
               timestamptz '2024-01-01 00:00+00' + ((g - 1) % 87648) * interval '30 minutes', 30, 2500, 500, 0.20
        FROM generate_series(1, 100000) g
        JOIN artisans a ON a.email = '{DEMO}'
        JOIN services s ON s.artisan_id = a.id AND s.name = 'Coupe homme'
        """)
    # Keep 2026-06 bookable for the availability case: free every slot from 08:00 to 20:00 local on weekdays.
    sql("""UPDATE bookings SET status = 'cancelled'
           WHERE start_datetime >= '2026-06-01' AND start_datetime < '2026-08-01'
             AND extract(hour FROM start_datetime AT TIME ZONE 'Europe/Paris') BETWEEN 8 AND 19""")
    sql(f"""
        INSERT INTO external_busy_blocks (artisan_id, provider_id, source, summary, start_datetime, end_datetime)
        SELECT a.id, 'google', 'external', 'Busy ' || g,
               timestamptz '2024-01-01 09:00+00' + (g * 263) * interval '1 minute' * 15,
               timestamptz '2024-01-01 09:00+00' + (g * 263) * interval '1 minute' * 15 + interval '45 minutes'
        FROM generate_series(1, 10000) g JOIN artisans a ON a.email = '{DEMO}'
        """)
    sql("ANALYZE")
    print(f"seeded: {sql('SELECT count(*) FROM bookings')} bookings, "
          f"{sql('SELECT count(*) FROM external_busy_blocks')} external busy blocks\n", flush=True)


def throughput(clients=8, per_client=25):
    """8 clients booking at once, some on the same slots: bookings per second, then overlaps."""
    script = []
    for client in range(clients):
        lines = []
        for k in range(per_client):
            day = 3 + (k * 7 + client) % 26  # 2029-07-03 … 2029-07-28
            hour = 9 + (k + client) % 8
            lines.append(f"{ARTISANCTL} --artisan {DEMO} bookings create --service 'Coupe homme' --date 2029-07-{day:02d} "
                         f"--time {hour:02d}:00 --name 'Client {client}-{k}' --email c{client}k{k}@example.com -q >/dev/null 2>&1 "
                         f"&& echo ok || echo refused")
        script.append("( " + "; ".join(lines) + " ) &")
    script.append("wait")
    env = dict(ENV, ARTISANCTL_NOW="2029-06-01T08:00:00+02:00")
    started = time.perf_counter()
    output = subprocess.run(["/bin/sh", "-c", "\n".join(script)], capture_output=True, text=True, env=env).stdout
    elapsed = time.perf_counter() - started
    made, refused = output.count("ok"), output.count("refused")
    overlaps = sql(OVERLAPS)
    print(f"{'bookings create, 8 clients':<34} {made} made, {refused} refused (SLOT_UNAVAILABLE: taken, closed or in a break) in {elapsed:.2f} s: "
          f"{(made + refused) / elapsed:.1f} commands/s, {made / elapsed:.1f} bookings/s; overlapping active pairs: {overlaps}",
          flush=True)
    return overlaps == "0"


def radicale_import(events=2000):
    """Importing 2,000 events from a real Radicale, against curl sending the same REPORT."""
    import shutil
    import tempfile
    import urllib.request
    venv_python = os.path.join(ROOT, ".build/test-venv/bin/python")
    directory = tempfile.mkdtemp(prefix="bench-radicale-")
    user, password = "lea", "bench-password"
    server = subprocess.Popen([venv_python, "-u", os.path.join(ROOT, "Tests/Fixtures/fake_radicale.py"), directory, user, password],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        calendar = f"{base}/{user}/work/"
        subprocess.run(["curl", "-sf", "-u", f"{user}:{password}", "-X", "MKCALENDAR", calendar], check=True)
        folder = os.path.join(directory, "collections", "collection-root", user, "work")
        for n in range(events):
            day, slot = divmod(n, 40)
            start = f"202606{1 + day % 30:02d}T{6 + slot % 12:02d}{(slot // 12) * 15:02d}00Z"
            end = f"202606{1 + day % 30:02d}T{6 + slot % 12:02d}{(slot // 12) * 15 + 10:02d}00Z"
            with open(os.path.join(folder, f"event-{n}.ics"), "w") as file:
                file.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\n"
                           f"UID:event-{n}@bench\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n"
                           f"SUMMARY:Event {n}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        env = dict(ENV, CALENDAR_ENCRYPTION_KEY="q6S0Yq8Kc4lqzq5mJ1m2qg3m2Vn8Wc2d3ZxQ0eTq1jE=")
        subprocess.run(artisanctl("calendars", "connect", "apple", "--username", user, "--password-stdin", "--url", base + "/", "--quiet"),
                       input=password + "\n", text=True, check=True, env=env)
        # The same REPORT artisanctl sends for its window (now .. now + 60 days).
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop><d:getetag/><c:calendar-data><c:expand start="20260601T060000Z" end="20260731T060000Z"/></c:calendar-data></d:prop>
  <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">
    <c:time-range start="20260601T060000Z" end="20260731T060000Z"/>
  </c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>"""
        curl = ["curl", "-sf", "-o", "/dev/null", "-u", f"{user}:{password}", "-X", "REPORT", "-H", "Depth: 1",
                "-H", "Content-Type: application/xml; charset=utf-8", "--data-binary", body, calendar]
        ENV["CALENDAR_ENCRYPTION_KEY"] = env["CALENDAR_ENCRYPTION_KEY"]
        try:
            ok = compare("sync calendars (2,000 CalDAV events)", artisanctl("sync", "calendars", "--provider", "apple", "--days", "60"),
                         curl, 1.5, runs=min(RUNS, 11), before=lambda: sql("UPDATE calendar_connections SET sync_token = NULL"))
        finally:
            del ENV["CALENDAR_ENCRYPTION_KEY"]
        imported = sql("SELECT count(*) FROM external_busy_blocks WHERE provider_id = 'apple'")
        print(f"{'':<34} blocks imported from Radicale: {imported}", flush=True)
        sql("DELETE FROM external_busy_blocks WHERE provider_id = 'apple'")
        sql("DELETE FROM calendar_connections")
        return ok and imported == str(events)
    finally:
        server.terminate()
        shutil.rmtree(directory, ignore_errors=True)


def main():
    subprocess.run([ARTISANCTL, "migrate", "latest", "--quiet"], check=True, env=ENV)
    subprocess.run([ARTISANCTL, "catalog", "apply", "-f", os.path.join(ROOT, "scripts/demo/catalogue.json"), "--quiet"],
                   check=True, env=ENV, stdout=subprocess.DEVNULL)
    if os.environ.get("BENCH_ONLY") == "http":
        seed()
        sys.exit(0 if bench_http.main(artisanctl, ENV, sql, DEMO, OVERLAPS) else 1)
    calendar_ok = radicale_import()
    seed()
    print(f"{RUNS} runs each, median wall time; reference: psql -X on the same server\n")
    week_sql = f"""
        SELECT b.id, b.public_code, b.service_id, s.name AS service_name, b.status, b.customer_name, b.customer_email,
               b.customer_phone, b.start_datetime, b.duration_minutes, b.price_cents, b.deposit_rate, b.deposit_amount_cents,
               b.deposit_payment_status, b.buffer_before_minutes, b.buffer_after_minutes, b.notifications_email, b.notifications_sms,
               b.created_at, b.deposit_payment_provider, b.deposit_payment_method, b.deposit_payment_intent_id,
               b.deposit_checkout_session_id, b.deposit_checkout_url, b.deposit_hold_until, b.deposit_refund_status, b.deposit_refund_id
        FROM bookings b JOIN services s ON s.id = b.service_id JOIN artisans a ON a.id = b.artisan_id
        WHERE a.email = '{DEMO}' AND b.start_datetime >= '2027-03-01 00:00+01' AND b.start_datetime < '2027-03-08 00:00+01'
        ORDER BY b.start_datetime, b.public_code"""
    busy_sql = f"""
        SELECT lower(occupied), upper(occupied) FROM bookings b JOIN artisans a ON a.id = b.artisan_id
        WHERE a.email = '{DEMO}' AND status IN ('confirmed', 'rescheduled')
          AND occupied && tstzrange('2026-05-31 22:00+00', '2026-07-01 01:00+00')
        UNION ALL
        SELECT start_datetime, end_datetime FROM external_busy_blocks x JOIN artisans a ON a.id = x.artisan_id
        WHERE a.email = '{DEMO}' AND source = 'external'
          AND start_datetime < '2026-07-01 01:00+00' AND end_datetime > '2026-05-31 22:00+00'"""
    results = [
        compare("migrate status", [ARTISANCTL, "migrate", "status"],
                psql("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"), 0.7),
        compare("bookings list (one week)", artisanctl("bookings", "list", "--from", "2027-03-01", "--to", "2027-03-07"),
                psql(week_sql), 0.7),
        compare("availability --days 30", artisanctl("availability", "--service", "Coupe femme", "--date", "2026-06-01", "--days", "30"),
                psql(busy_sql), 1.0),
        peak_memory("bookings list --all --output csv", artisanctl("bookings", "list", "--all", "--output", "csv"), 50),
        throughput(),
        calendar_ok,
        bench_http.main(artisanctl, ENV, sql, DEMO, OVERLAPS),
    ]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
