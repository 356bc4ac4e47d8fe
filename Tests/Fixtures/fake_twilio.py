"""A fake Twilio Programmable Messaging API (send an SMS) for the tests (Python 3 stdlib only).

Started by Tests/TestSupport/FakeServer.swift as FakeServer.start("twilio"): listens on 127.0.0.1,
a free port, printed as the first line of stdout. The base URL stands for https://api.twilio.com.

Wire format, as documented by Twilio (see /work/shared/reference/integrations-wire-formats.md):
  Auth: every /2010-04-01 path needs HTTP Basic "AC_test_artisan:twilio_test_token" (ACCOUNT_SID,
       AUTH_TOKEN), else 401 {"code":20003,"message":"Authenticate","more_info":
       "https://www.twilio.com/docs/errors/20003","status":401} with WWW-Authenticate. Another
       account's Sid in the path -> 404 code 20404.
  Errors: {"code","message","more_info":"https://www.twilio.com/docs/errors/<code>","status"}.
  POST /2010-04-01/Accounts/{Sid}/Messages.json  application/x-www-form-urlencoded:
       To (required, else 21604), From or MessagingServiceSid ("MG" + 32 hex, else 21701; neither
       -> 21603), Body (required unless MediaUrl is given, else 21602; more than 1600 characters
       -> 21617); other parameters (StatusCallback, ...) are accepted and ignored. Checked in this
       order, all 400:
         To not E.164 ("+", then 8 to 15 digits, the first not 0)   21211 "The 'To' number <To> is
                                                                     not a valid phone number."
         From not E.164, a 5-6 digit short code or an alphanumeric sender id (1-11 of [A-Za-z0-9 ],
              at least one letter)                                  21212
         To == From                                                 21266
         To in the control list "unsubscribed"                      21610 "Attempt to send to
                                                                     unsubscribed recipient"
         To in the control list "landline"                          21614 "'To' number is not a
                                                                     valid mobile number"
       -> 201 {"account_sid","api_version":"2010-04-01","body","date_created","date_sent":null,
               "date_updated","direction":"outbound-api","error_code":null,"error_message":null,
               "from","messaging_service_sid","num_media","num_segments":"<n>","price":null,
               "price_unit":"USD","sid":"SM<32 hex>","status":"queued","subresource_uris","to","uri"}
          (dates RFC 2822, "Thu, 01 Jan 2026 00:00:00 +0000"; with MessagingServiceSid and no From,
          as on Twilio: "status":"accepted", "from":null). num_segments, a string, as Twilio counts:
          a body of GSM-7 characters (basic set 1 septet, extension set ^{}\\[~]|€ and form feed 2)
          takes 1 segment up to 160 septets, else segments of 153 (an escape pair is never split);
          any other character makes it UCS-2: 1 segment up to 70 UTF-16 units, else segments of 67
          (a surrogate pair is never split). No "smart encoding" of look-alike characters.
  GET  /2010-04-01/Accounts/{Sid}/Messages/{MessageSid}.json   the message; 404 code 20404 if unknown.
  Anything else -> 404 code 20404 "The requested resource <path> was not found".

Control protocol (test-only, never logged, never subject to failure rules, no auth):
  POST /_control  JSON object, every key optional, applied in this order:
    "reset": true                     back to the initial state (no messages, no log, no rules,
                                      empty number lists)
    "unsubscribed": ["+33...", ...]   replace the numbers that answered STOP (21610)
    "landline": ["+33...", ...]       replace the numbers that are not mobile (21614)
    "clearFailures": true             forget every failure rule
    "fail": [rule, ...]               append failure rules (below)
    "release": true                   lets every held request go on
    -> 200 {"ok": true}
  GET /_control -> {"messages": [message, oldest first], "unsubscribed": [...], "landline": [...],
                    "requests": [{"method","path","query","form","authorization"}], "held": n}
       query and form: {name: value} (a list of values when a name is repeated); authorization
       is masked to "Basic ***" when it is the right one, shown as sent otherwise.
  A failure rule is consulted after the request is logged and before anything else; the first rule
  whose "path" (substring of the URL path, default any) and "method" (default any) match is used and
  its "times" (default 1; negative = forever) decremented:
    {"status": 429, "retryAfter": 1}  answer that status with a Twilio error body (codes 20003 for
    {"status": 500}                   401, 20404 for 404, 20429 for 429, 20500 for 500, 20503 for
                                      503, else 21211 for 400 and 20001 otherwise; "code" and
                                      "message" override, "body": "..." replaces the body),
                                      Retry-After when given; nothing stored
    {"hang": 5}                       sleep 5 s, then answer normally (a client times out first)
    {"hold": true}                    hold the request until {"release": true} (at most 60 s), then
                                      answer normally; GET /_control counts the held ones in "held"
    {"lose": true}                    handle the request for real (a valid message is stored), then
                                      close the connection without an answer
    {"malformed": true}               201 with a truncated JSON body, nothing stored
    {"pass": true}                    answer normally (lets first requests through before a later rule)
"""
import base64
import binascii
import json
import re
import secrets
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlparse
from fake_process import Holds, control_command, drop_connection, first_matching_rule, serve_http, stay_stoppable

ACCOUNT_SID = "AC_test_artisan"
AUTH_TOKEN = "twilio_test_token"
API_VERSION = "2010-04-01"
MAX_BODY = 1600
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
SHORT_CODE = re.compile(r"[0-9]{5,6}")
ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
MESSAGING_SERVICE = re.compile(r"MG[0-9a-f]{32}")
MESSAGES_PATH = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages\.json")
MESSAGE_PATH = re.compile(r"/2010-04-01/Accounts/([^/]+)/Messages/([^/]+)\.json")

# GSM 03.38: the basic character set (one septet each) and its extension table (escape + one septet).
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = set("\f^{}\\[~]|€")

lock = threading.RLock()
state = {}
holds = Holds(lock)


def initial_state():
    return {"messages": [], "unsubscribed": [], "landline": [], "fail": [], "requests": []}


def reset():
    state.clear()
    state.update(initial_state())


def encode(body):
    return json.dumps(body).encode()


class TwilioError(Exception):
    def __init__(self, status, code, message, headers=()):
        super().__init__(message)
        self.status, self.headers = status, list(headers)
        self.body = {"code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/%d" % code,
                     "status": status}


def not_found(path):
    return TwilioError(404, 20404, "The requested resource %s was not found" % path)


# ---------------------------------------------------------------------------------------------
# Segments


def segment_count(units, single, multi):
    """Segments for a body of `units` (the size of each character): one segment up to `single`
    units, else `multi` per segment, a character never split across two."""
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for size in units:
        if used + size > multi:
            count, used = count + 1, 0
        used += size
    return count


def num_segments(body):
    if all(char in GSM_BASIC or char in GSM_EXTENDED for char in body):
        return segment_count([2 if char in GSM_EXTENDED else 1 for char in body], 160, 153)
    return segment_count([2 if ord(char) > 0xFFFF else 1 for char in body], 70, 67)


# ---------------------------------------------------------------------------------------------
# The API


def credentials(authorization):
    """(user, password) of a Basic Authorization header, else None."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


def authenticate(authorization):
    if credentials(authorization) != (ACCOUNT_SID, AUTH_TOKEN):
        raise TwilioError(401, 20003, "Authenticate", [("WWW-Authenticate", 'Basic realm="Twilio API"')])


def invalid(code, message):
    return TwilioError(400, code, message)


def valid_sender(sender):
    return any(pattern.fullmatch(sender) for pattern in (E164, SHORT_CODE, ALPHANUMERIC_SENDER))


def check_required(form):
    if not form.get("To"):
        raise invalid(21604, "A 'To' phone number is required.")
    if not form.get("From") and not form.get("MessagingServiceSid"):
        raise invalid(21603, "A 'From' phone number is required.")
    if not form.get("Body") and not form.get("MediaUrl"):
        raise invalid(21602, "Message body is required.")
    if len(form.get("Body", "")) > MAX_BODY:
        raise invalid(21617, "The concatenated message body exceeds the %d character limit." % MAX_BODY)


def check_numbers(form):
    to, sender = form["To"], form.get("From")
    if not E164.fullmatch(to):
        raise invalid(21211, "The 'To' number %s is not a valid phone number." % to)
    if sender and not valid_sender(sender):
        raise invalid(21212, "The 'From' number %s is not a valid phone number, shortcode, or alphanumeric "
                             "sender ID." % sender)
    service = form.get("MessagingServiceSid")
    if service and not MESSAGING_SERVICE.fullmatch(service):
        raise invalid(21701, "The Messaging Service Sid %s is invalid." % service)
    if to == sender:
        raise invalid(21266, "'To' and 'From' number cannot be the same: %s" % to)
    if to in state["unsubscribed"]:
        raise invalid(21610, "Attempt to send to unsubscribed recipient")
    if to in state["landline"]:
        raise invalid(21614, "'To' number is not a valid mobile number")


def new_message(form, media):
    sid = "SM" + secrets.token_hex(16)
    created = format_datetime(datetime.now(timezone.utc).replace(microsecond=0))
    body = form.get("Body", "")
    uri = "/%s/Accounts/%s/Messages/%s" % (API_VERSION, ACCOUNT_SID, sid)
    return {"account_sid": ACCOUNT_SID, "api_version": API_VERSION, "body": body, "date_created": created,
            "date_sent": None, "date_updated": created, "direction": "outbound-api", "error_code": None,
            "error_message": None, "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": str(len(media)),
            "num_segments": str(num_segments(body)), "price": None, "price_unit": "USD", "sid": sid,
            "status": "queued" if form.get("From") else "accepted",
            "subresource_uris": {"media": uri + "/Media.json"}, "to": form["To"], "uri": uri + ".json"}


def values(form, name):
    value = form.get(name, [])
    return value if isinstance(value, list) else [value]


def create_message(form):
    media = values(form, "MediaUrl")
    # A repeated parameter other than MediaUrl: the first value counts.
    form = {name: values(form, name)[0] for name in form}
    check_required(form)
    check_numbers(form)
    message = new_message(form, media)
    state["messages"].append(message)
    return 201, message


def fetch_message(sid, path):
    for message in state["messages"]:
        if message["sid"] == sid:
            return 200, message
    raise not_found(path)


def flat_form(encoded):
    """{name: value}, a list of values for a repeated name."""
    form = {}
    for name, value in parse_qsl(encoded, keep_blank_values=True):
        if name in form:
            form[name] = (form[name] if isinstance(form[name], list) else [form[name]]) + [value]
        else:
            form[name] = value
    return form


def route(method, path, form):
    posting = MESSAGES_PATH.fullmatch(path)
    fetching = MESSAGE_PATH.fullmatch(path)
    account = (posting or fetching).group(1) if (posting or fetching) else None
    if account is not None and account != ACCOUNT_SID:
        raise not_found(path)
    if posting and method == "POST":
        return create_message(form)
    if fetching and method == "GET":
        return fetch_message(fetching.group(2), path)
    raise not_found(path)


def handle_api(method, path, body_text, headers):
    """(status, headers, body bytes) for one API request."""
    try:
        if not path.startswith("/%s/" % API_VERSION):
            raise not_found(path)
        authenticate(headers.get("Authorization"))
        status, body = route(method, path, flat_form(body_text))
        return status, [], encode(body)
    except TwilioError as error:
        return error.status, error.headers, encode(error.body)


INJECTED = {400: (21211, "Injected failure"), 401: (20003, "Authenticate"),
            404: (20404, "The requested resource was not found"), 429: (20429, "Too Many Requests"),
            500: (20500, "Internal Server Error"), 503: (20503, "Service Unavailable")}


def injected_reply(rule):
    status = int(rule["status"])
    headers = [("Retry-After", str(rule["retryAfter"]))] if "retryAfter" in rule else []
    if "body" in rule:
        return status, headers, rule["body"].encode()
    code, message = INJECTED.get(status, (20001, "Injected failure"))
    error = TwilioError(status, int(rule.get("code", code)), rule.get("message", message))
    return status, headers, encode(error.body)


# ---------------------------------------------------------------------------------------------
# Control


def control_state():
    return {"messages": state["messages"], "unsubscribed": state["unsubscribed"], "landline": state["landline"],
            "requests": state["requests"], "held": holds.count}


def control(command):
    if command.get("reset"):
        reset()
    for name in ("unsubscribed", "landline"):
        if name in command:
            state[name] = [str(number) for number in command[name]]
    if command.get("clearFailures"):
        state["fail"] = []
    rules = command.get("fail", [])
    if any(rule.get("hold") for rule in rules):
        holds.rearm()
    state["fail"].extend(dict(rule) for rule in rules)
    if command.get("release"):
        holds.release()
    return 200, {"ok": True}


def matching_rule(path, method):
    return first_matching_rule(state["fail"], path, method)


def logged_authorization(authorization):
    if credentials(authorization) == (ACCOUNT_SID, AUTH_TOKEN):
        return "Basic ***"
    return authorization


# ---------------------------------------------------------------------------------------------
# HTTP


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, data, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


    def read_body(self):
        """The request body as text (Content-Length or chunked)."""
        if "chunked" not in (self.headers.get("Transfer-Encoding") or "").lower():
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode("utf-8", "replace") if length else ""
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass  # trailers
                break
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        return b"".join(chunks).decode("utf-8", "replace")

    def handle_any(self):
        url = urlparse(self.path)
        body_text = self.read_body()
        if url.path == "/_control":
            return self.control(body_text)
        with lock:
            state["requests"].append({"method": self.command, "path": url.path, "query": flat_form(url.query),
                                      "form": flat_form(body_text) if self.command == "POST" else None,
                                      "authorization": logged_authorization(self.headers.get("Authorization"))})
            rule = matching_rule(url.path, self.command) or {}
        if rule.get("hold"):
            holds.wait()
        elif "hang" in rule:
            time.sleep(float(rule["hang"]))
        elif rule.get("malformed"):
            return self.reply(201, b'{"sid": "SM')
        elif "status" in rule:
            status, headers, data = injected_reply(rule)
            return self.reply(status, data, headers)
        with lock:
            status, headers, data = handle_api(self.command, url.path, body_text, self.headers)
        if rule.get("lose"):
            return drop_connection(self)
        self.reply(status, data, headers)

    def control(self, body_text):
        with lock:
            if self.command == "GET":
                return self.reply(200, encode(control_state()))
            command = control_command(body_text)
            if command is None:
                return self.reply(400, encode({"ok": False, "error": "control body is not a JSON object"}))
            status, reply = control(command)
            return self.reply(status, encode(reply))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


if __name__ == "__main__":
    stay_stoppable()
    reset()
    serve_http(Handler)
