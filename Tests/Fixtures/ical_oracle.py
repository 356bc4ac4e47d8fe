"""The independent reader of the calendar feed: the `icalendar` package (PyPI).

Usage: ical_oracle.py CASES.json, where the file holds a list of
{"zone": IANA name, "document": iCalendar text, "expected": {UID: [start, end]}} (UTC, ISO 8601).
For each document, each VEVENT's DTSTART and DTEND are computed with the document's own VTIMEZONE
(Timezone.to_tz(lookup_tzid=False), which builds the zone from the component with dateutil's
tzical, never by looking its name up) and compared with the expected instants; each wall time
written with the zone's TZID is also read in Python's zoneinfo zone of that name, which must give
the same instant (our tz rules against Python's).
Prints {"zones": n, "events": n, "differences": [text, ...]} as JSON."""
import json
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check(case, differences):
    zone, expected = case["zone"], case["expected"]
    calendar = Calendar.from_ical(case["document"])
    timezones = {str(vtimezone["TZID"]): vtimezone.to_tz(lookup_tzid=False) for vtimezone in calendar.walk("VTIMEZONE")}
    reference = ZoneInfo(zone)
    if zone not in timezones:
        differences.append(f"{zone}: no VTIMEZONE for the zone")
        return 0
    events = calendar.walk("VEVENT")
    for event in events:
        uid = str(event["UID"])
        if uid not in expected:
            differences.append(f"{zone} {uid}: not a booking of this zone")
            continue
        for name, wanted in zip(("DTSTART", "DTEND"), map(instant, expected[uid])):
            value = event[name]
            tzid = value.params.get("TZID")
            if tzid is None:
                read = value.dt.astimezone(timezone.utc)
            elif tzid in timezones:
                read = value.dt.replace(tzinfo=None).replace(tzinfo=timezones[tzid]).astimezone(timezone.utc)
            else:
                differences.append(f"{zone} {uid} {name}: TZID {tzid} has no VTIMEZONE")
                continue
            written = value.to_ical().decode()
            if read != wanted:
                differences.append(f"{zone} {uid} {name}: {written} ({tzid or 'UTC'}) reads as {read.isoformat()}, expected {wanted.isoformat()}")
            if tzid is not None and value.dt.replace(tzinfo=None).replace(tzinfo=reference).astimezone(timezone.utc) != wanted:
                differences.append(f"{zone} {uid} {name}: {written} is not {wanted.isoformat()} in zoneinfo's {zone}")
    for uid in sorted(set(expected) - {str(event["UID"]) for event in events}):
        differences.append(f"{zone} {uid}: missing from the feed")
    return len(events)


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        cases = json.load(file)
    differences, events = [], 0
    for case in cases:
        try:
            events += check(case, differences)
        except Exception as error:  # an unreadable document is a difference, not a crash of the oracle
            differences.append(f"{case['zone']}: {type(error).__name__}: {error}")
    print(json.dumps({"zones": len(cases), "events": events, "differences": differences}))


main()
