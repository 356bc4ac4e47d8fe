"""The benchmarks of scripts/bench, run inside pg_virtualenv (the PG* variables name the server).

Each case runs the artisanctl command and its reference alternately, RUNS times each, and reports
the median wall time of both and their ratio (artisanctl / reference) against the target."""
import os
import statistics
import subprocess
import sys
import time

ARTISANCTL = os.environ["ARTISANCTL"]
RUNS = int(os.environ.get("RUNS", "51"))


def run(command):
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed: {completed.stderr.decode().strip()}")
    return elapsed


def compare(name, ours, reference, target):
    run(ours), run(reference)  # warm the caches of both before measuring
    ours_times, reference_times = [], []
    for _ in range(RUNS):
        ours_times.append(run(ours))
        reference_times.append(run(reference))
    ours_median = statistics.median(ours_times) * 1000
    reference_median = statistics.median(reference_times) * 1000
    ratio = ours_median / reference_median
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(f"{name:<28} artisanctl {ours_median:7.2f} ms   reference {reference_median:7.2f} ms   "
          f"ratio {ratio:5.2f} (target <= {target}) {verdict}")
    return ratio <= target


def main():
    subprocess.run([ARTISANCTL, "migrate", "latest", "--quiet"], check=True)
    print(f"{RUNS} runs each, median wall time; reference: psql -X on the same server\n")
    results = [
        compare(
            "migrate status",
            [ARTISANCTL, "migrate", "status"],
            ["psql", "-X", "-q", "-c",
             "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"],
            0.7,
        ),
    ]
    sys.exit(0 if all(results) else 1)


main()
