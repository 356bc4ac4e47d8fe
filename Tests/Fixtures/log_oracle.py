"""Reads log lines on stdin with Python's json module (strict: no NaN, no duplicate keys) and prints
them back as one JSON array, ASCII-escaped. Fails (exit 1, the reason on stderr) when a line is not
one JSON object with string `time`, `level` and `message`, or when `time` is not ISO 8601 in UTC."""
import datetime
import json
import sys


def no_constants(name):
    raise ValueError(f"{name} is not JSON")


def unique(pairs):
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate keys in {keys}")
    return dict(pairs)


records = []
for number, line in enumerate(sys.stdin.read().split("\n"), 1):
    if line == "":
        continue
    try:
        record = json.loads(line, parse_constant=no_constants, object_pairs_hook=unique)
        if not isinstance(record, dict):
            raise ValueError("not an object")
        for key in ("time", "level", "message"):
            if not isinstance(record.get(key), str):
                raise ValueError(f"no string {key}")
        instant = datetime.datetime.fromisoformat(record["time"].replace("Z", "+00:00"))
        if not record["time"].endswith("Z") or instant.utcoffset() != datetime.timedelta(0):
            raise ValueError(f"time {record['time']} is not UTC")
    except ValueError as error:
        print(f"line {number}: {error}: {line!r}", file=sys.stderr)
        sys.exit(1)
    records.append(record)
print(json.dumps(records, ensure_ascii=True))
