"""The independent reader of the e-mails we send: Python's stdlib `email` package
(policy=email.policy.default) and the `icalendar` package (PyPI).

Usage: mail_oracle.py FILE.eml   (e.g. a message stored by smtp_sink.py)
Needs 'icalendar>=6.1,<8' (tested with 6.1.0 and 7.3.2).

Prints one JSON object:
  "headers":     {"From","To","Cc","Subject","Date","Message-ID","MIME-Version"}: each decoded
                 (RFC 2047 encoded-words read), null when absent
  "rawHeaders":  the same headers as written (folding removed, encoded-words left as they are)
  "addresses":   {"From","To","Cc"}: [{"name","address"}] ([] when absent)
  "date":        the Date header as ISO 8601 with its offset, null when absent
  "structure":   the MIME tree: {"contentType", "parts": [node, ...]} for a multipart, else
                 {"contentType","charset","transferEncoding","disposition","filename","params"}
                 (params: the Content-Type parameters other than charset)
  "text", "html": the text/plain and text/html bodies (email's get_body: not attachments),
                 decoded strictly with their charset, line ends as "\n"; null when absent
  "calendars":   for each text/calendar part, in document order:
                 {"contentMethod": its Content-Type "method" parameter, "filename",
                  "disposition", "charset", "inAlternative": whether its parent is
                  multipart/alternative, "METHOD","PRODID","VERSION" of the VCALENDAR,
                  "timezones": [VTIMEZONE TZIDs], "events": [{"UID","SEQUENCE","DTSTART",
                  "DTSTART_TZID","DTEND","DTEND_TZID","SUMMARY","STATUS","LOCATION",
                  "DESCRIPTION","ORGANIZER","ATTENDEES"}]}
                 (times as ISO 8601 with their offset, floating ones without; dates as
                 YYYY-MM-DD; SEQUENCE an integer; absent properties null)
  "defects":     [{"part": "headers" | "1.2" (IMAP-style part number, "" for the message),
                   "defect": the email package's defect class name}], the tolerable ones

Exits 1 with a message on stderr when the message cannot be parsed: an unreadable file, no
header at all, a multipart whose boundaries are missing or broken, a text part whose bytes are not
valid in its charset, or a calendar part icalendar cannot read.
"""
import json
import re
import sys
from datetime import date, datetime
from email import errors, message_from_bytes, policy
from email.parser import BytesHeaderParser

from icalendar import Calendar

HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version")
ADDRESS_HEADERS = ("From", "To", "Cc")
# Defects after which the MIME tree cannot be trusted.
FATAL_DEFECTS = (errors.NoBoundaryInMultipartDefect, errors.StartBoundaryNotFoundDefect,
                 errors.CloseBoundaryNotFoundDefect, errors.MultipartInvariantViolationDefect)


class Unreadable(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Headers


def header_text(message, name):
    value = message[name]
    return None if value is None else str(value)


def raw_headers(data):
    """The headers as written, folding removed, through the compat32 policy that decodes nothing."""
    parsed = BytesHeaderParser(policy=policy.compat32).parsebytes(data)
    return {name: None if parsed[name] is None else re.sub(r"\r?\n(?=[ \t])", "", str(parsed[name]))
            for name in HEADERS}


def addresses(message, name):
    header = message[name]
    if header is None:
        return []
    return [{"name": address.display_name, "address": address.addr_spec} for address in header.addresses]


def header_date(message):
    header = message["Date"]
    moment = getattr(header, "datetime", None) if header is not None else None
    return moment.isoformat() if moment is not None else None


def header_defects(message):
    return [{"part": "headers", "defect": "%s: %s" % (name, type(defect).__name__)}
            for name in HEADERS if message[name] is not None for defect in message[name].defects]


# ---------------------------------------------------------------------------------------------
# MIME structure


def walk(part, number="", parent_type=None):
    """Yields (part, its part number, its parent's content type) for every part, depth first."""
    yield part, number, parent_type
    if part.is_multipart():
        for index, child in enumerate(part.iter_parts(), start=1):
            yield from walk(child, "%s.%d" % (number, index) if number else str(index), part.get_content_type())


def structure(part):
    if part.is_multipart():
        return {"contentType": part.get_content_type(), "parts": [structure(child) for child in part.iter_parts()]}
    params = {key: value for key, value in (part.get_params() or [])[1:] if key != "charset"}
    return {"contentType": part.get_content_type(), "charset": part.get_content_charset(),
            "transferEncoding": part.get("Content-Transfer-Encoding"),
            "disposition": part.get_content_disposition(), "filename": part.get_filename(), "params": params}


def check_defects(message):
    """The tolerable defects of every part; raises Unreadable for a fatal one."""
    found = []
    for part, number, _ in walk(message):
        for defect in part.defects:
            if isinstance(defect, FATAL_DEFECTS):
                raise Unreadable("part %r: %s" % (number, type(defect).__name__))
            found.append({"part": number, "defect": type(defect).__name__})
    return found


def decoded_text(part, number):
    # RFC 2046 makes us-ascii the default charset of text/*, RFC 5545 (8.1) makes it UTF-8 for text/calendar.
    charset = part.get_content_charset() or ("utf-8" if part.get_content_type() == "text/calendar" else "us-ascii")
    payload = part.get_payload(decode=True) or b""
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError) as error:
        raise Unreadable("part %r (%s): %s" % (number, part.get_content_type(), error))


def body(message, numbers, subtype):
    """The body text with "\n" line ends: on the wire they are CRLF whatever the sender meant."""
    part = message.get_body(preferencelist=(subtype,))
    return None if part is None else decoded_text(part, numbers[id(part)]).replace("\r\n", "\n")


# ---------------------------------------------------------------------------------------------
# Calendars


def when(prop):
    """(ISO text, TZID) of a DTSTART/DTEND property; (None, None) when absent."""
    if prop is None:
        return None, None
    value = prop.dt
    text = value.isoformat() if isinstance(value, (datetime, date)) else str(value)
    return text, prop.params.get("TZID")


def text_of(component, name):
    value = component.get(name)
    return None if value is None else str(value)


def attendees(event):
    value = event.get("ATTENDEE")
    if value is None:
        return []
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def event_summary(event):
    start, start_tzid = when(event.get("DTSTART"))
    end, end_tzid = when(event.get("DTEND"))
    sequence = event.get("SEQUENCE")
    return {"UID": text_of(event, "UID"), "SEQUENCE": None if sequence is None else int(sequence),
            "DTSTART": start, "DTSTART_TZID": start_tzid, "DTEND": end, "DTEND_TZID": end_tzid,
            "SUMMARY": text_of(event, "SUMMARY"), "STATUS": text_of(event, "STATUS"),
            "LOCATION": text_of(event, "LOCATION"), "DESCRIPTION": text_of(event, "DESCRIPTION"),
            "ORGANIZER": text_of(event, "ORGANIZER"), "ATTENDEES": attendees(event)}


def calendar_part(part, number, parent_type):
    text = decoded_text(part, number)
    try:
        calendar = Calendar.from_ical(text)
        events = [event_summary(event) for event in calendar.walk("VEVENT")]
    except Exception as error:  # icalendar raises ValueError and others for a broken document
        raise Unreadable("part %r (text/calendar): %s: %s" % (number, type(error).__name__, error))
    return {"contentMethod": part.get_param("method"), "filename": part.get_filename(),
            "disposition": part.get_content_disposition(), "charset": part.get_content_charset(),
            "inAlternative": parent_type == "multipart/alternative",
            "METHOD": text_of(calendar, "METHOD"), "PRODID": text_of(calendar, "PRODID"),
            "VERSION": text_of(calendar, "VERSION"),
            "timezones": [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")], "events": events}


# ---------------------------------------------------------------------------------------------


def read(path):
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise Unreadable(str(error))
    message = message_from_bytes(data, policy=policy.default)
    if not message.keys():
        raise Unreadable("no header")
    parts = list(walk(message))
    numbers = {id(part): number for part, number, _ in parts}
    defects = header_defects(message) + check_defects(message)
    return {"headers": {name: header_text(message, name) for name in HEADERS},
            "rawHeaders": raw_headers(data),
            "addresses": {name: addresses(message, name) for name in ADDRESS_HEADERS},
            "date": header_date(message),
            "structure": structure(message),
            "text": body(message, numbers, "plain"),
            "html": body(message, numbers, "html"),
            "calendars": [calendar_part(part, number, parent) for part, number, parent in parts
                          if part.get_content_type() == "text/calendar"],
            "defects": defects}


def main():
    if len(sys.argv) != 2:
        print("usage: mail_oracle.py FILE.eml", file=sys.stderr)
        return 2
    try:
        report = read(sys.argv[1])
    except Unreadable as error:
        print("mail_oracle: %s: cannot parse the message: %s" % (sys.argv[1], error), file=sys.stderr)
        return 1
    except Exception as error:  # the email package choking on a header is a broken message too
        print("mail_oracle: %s: cannot parse the message: %s: %s" % (sys.argv[1], type(error).__name__, error),
              file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
