"""A fake Microsoft Graph v1.0 and Microsoft identity platform (login) server for the tests.

Python 3 standard library only. Listens on 127.0.0.1 on a free port and prints the port as its
first stdout line. GRAPH_API_BASE and MS_LOGIN_BASE both point at it. Speaks the documented wire
format (see /work/shared/reference/integrations-wire-formats.md, Microsoft Graph):

Login (no auth):
  POST /common/oauth2/v2.0/devicecode   form client_id, scope
       -> {device_code, user_code, verification_uri, expires_in, interval, message}
  POST /common/oauth2/v2.0/token        form grant_type, client_id, ...
       grant_type=urn:ietf:params:oauth:grant-type:device_code (device_code):
           400 {"error":"authorization_pending"} `pending` times, then 400 slow_down `slowDown`
           times, then the `outcome`: "success" (tokens) or an error code such as expired_token.
       grant_type=refresh_token (refresh_token, scope): a new access token AND a new refresh token;
           the old refresh token stops working (rotation). Unknown or revoked: 400 invalid_grant.

Graph (Authorization: Bearer <a current access token>, else 401 InvalidAuthenticationToken):
  GET  /v1.0/me                                    {mail, userPrincipalName, displayName}
  GET  /v1.0/me/calendars                          pages of 2 (or odata.maxpagesize), @odata.nextLink
  GET  /v1.0/me/calendarView/delta?startDateTime=…Z&endDateTime=…Z        (default calendar)
  GET  /v1.0/me/calendars/{id}/calendarView/delta?…                        (that calendar)
       Rows are events overlapping the window, stored as given (cancelled and free ones too).
       Pages of `odata.maxpagesize` (Prefer header; default 10) linked by
       @odata.nextLink (…?$skiptoken=S); the last page has @odata.deltaLink (…?$deltatoken=T).
       GET of a deltaLink: events changed since (moved out of the window or deleted:
       {"id","@removed":{"reason":"deleted"}}), paged the same way. Unknown token: 410
       {"error":{"code":"syncStateNotFound"}}. Times are UTC, 7-digit fractions, no offset.
  POST /v1.0/me/events, /v1.0/me/calendars/{id}/events  -> 201 event. A transactionId already used
       by a live event returns that event (201) instead of creating a second one.
  GET|PATCH|DELETE /v1.0/me/events/{id}  -> 200 | 200 | 204; 404 ErrorItemNotFound when absent.

Test control (never failed, no auth):
  POST /_control  JSON, every key optional, applied in this order:
    "reset": true                  back to the initial state (tokens access-1 / refresh-1, no events)
    "events": [{"id", "subject", "start", "end", "isAllDay", "isCancelled", "showAs", "calendar"}]
        upserts (start/end: "2026-01-15T10:00:00Z", or "2026-01-15" for all-day; calendar: a
        calendar id, default "cal-default"); each upsert is a change for delta tokens
    "delete": ["id", …]            deletes events (reported as @removed to delta tokens)
    "expireAccessToken": true      every access token issued so far is refused (401)
    "revoke": true                 refresh tokens refused (invalid_grant), access tokens too
    "forgetDeltaTokens": true      every delta and skip token issued so far answers 410
    "release": true                lets every held request go on
    "deviceFlow": {"pending": 2, "slowDown": 1, "outcome": "success", "interval": 5, "expiresIn": 900}
    "me": {"mail": …, "userPrincipalName": …}
    "fail": [rule, …]              appended to the failure queue. Each request (other than /_…)
        takes the first rule that matches it: optional "path" (substring of the path), "query"
        (substring of the query string) and "method"; "times" (default 1) counts down. A rule is
        one of
          {"status": 429, "retryAfter": 1}   that status (Graph error body, Retry-After if given)
          {"status": 503, "afterProcessing": true}   do the request, then answer that status
                                             instead (a lost answer: the client will retry)
          {"hang": 5}                        wait that many seconds, then answer normally
          {"hold": true}                     hold the request until {"release": true} (at most 60 s);
                                             GET /_state counts the held ones in "held"
          {"malformed": true}                200 with a truncated JSON body
  -> {"ok": true}
  GET /_state  {"events": [...], "posts": N, "accessTokens": [...], "refreshTokens": [...]}
  GET /_log    every request so far: {"method", "path", "query", "prefer", "authorization",
               "form", "status"}
"""
import json
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

LOCK = threading.Lock()
RELEASED = threading.Event()
HELD = {"count": 0}
DEFAULT_CALENDAR = "cal-default"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def initial_state():
    return {
        "access": {"access-1"},
        "refresh": {"refresh-1"},
        "issued": 1,
        "revoked": False,
        "events": {},        # id -> stored event (Graph shape + _calendar, _version)
        "tombstones": {},    # id -> (version, calendar, start, end)
        "seq": 0,
        "delta": {},         # delta token -> {seq, start, end, calendar}
        "skip": {},          # skip token -> {rows, final, path}
        "tokens": 0,
        "posts": 0,
        "created": 0,
        "fail": [],
        "log": [],
        "device": {"pending": 2, "slowDown": 1, "outcome": "success", "interval": 5, "expiresIn": 900},
        "codes": {},         # device code -> remaining {pending, slowDown, outcome}
        "me": {"mail": "artisan@example.com", "userPrincipalName": "artisan@example.onmicrosoft.com", "displayName": "Artisan"},
        "calendars": [
            {"id": DEFAULT_CALENDAR, "name": "Calendar", "isDefaultCalendar": True},
            {"id": "cal-work", "name": "Work", "isDefaultCalendar": False},
            {"id": "cal-family", "name": "Family", "isDefaultCalendar": False},
        ],
    }


STATE = initial_state()


def parse_time(text):
    """'2026-01-15T10:00:00Z', '2026-01-15T10:00:00.0000000' (UTC) or '2026-01-15' -> aware datetime."""
    text = text.strip()
    if len(text) == 10:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1]
    if "+" in text[10:]:
        text = text[: 10 + text[10:].index("+")]
    if "." in text:
        head, fraction = text.split(".", 1)
        text = head + "." + fraction[:6]
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def graph_time(moment):
    return {"dateTime": moment.strftime("%Y-%m-%dT%H:%M:%S") + ".0000000", "timeZone": "UTC"}


def time_of(value):
    return parse_time(value["dateTime"] if isinstance(value, dict) else value)


def public(event):
    return {k: v for k, v in event.items() if not k.startswith("_")}


def bump(event):
    STATE["seq"] += 1
    event["_version"] = STATE["seq"]


def upsert(spec):
    event_id = spec["id"]
    event = STATE["events"].get(event_id, {"id": event_id, "type": "singleInstance", "iCalUId": "uid-" + event_id})
    STATE["tombstones"].pop(event_id, None)
    event["_calendar"] = spec.get("calendar", event.get("_calendar", DEFAULT_CALENDAR))
    for key in ("subject", "isAllDay", "isCancelled", "showAs", "seriesMasterId", "type"):
        if key in spec:
            event[key] = spec[key]
    event.setdefault("subject", "")
    event.setdefault("isAllDay", False)
    event.setdefault("isCancelled", False)
    event.setdefault("showAs", "busy")
    if "start" in spec:
        event["start"] = graph_time(time_of(spec["start"]))
    if "end" in spec:
        event["end"] = graph_time(time_of(spec["end"]))
    bump(event)
    STATE["events"][event_id] = event
    return event


def delete(event_id):
    event = STATE["events"].pop(event_id, None)
    if event is None:
        return False
    STATE["seq"] += 1
    STATE["tombstones"][event_id] = (STATE["seq"], event["_calendar"], time_of(event["start"]), time_of(event["end"]))
    return True


def overlaps(start, end, window_start, window_end):
    return start < window_end and end > window_start


def new_token(prefix):
    STATE["tokens"] += 1
    return "%s%d" % (prefix, STATE["tokens"])


def graph_error(status, code, message, headers=()):
    return status, {"error": {"code": code, "message": message, "innerError": {"request-id": "fake"}}}, list(headers)


def oauth_error(code, description):
    return 400, {"error": code, "error_description": description, "error_codes": [70000]}, []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    # -- plumbing ---------------------------------------------------------------------------------

    def base(self):
        return "http://" + self.headers.get("Host", "127.0.0.1")

    def prefer(self):
        values = []
        for header in self.headers.get_all("Prefer") or []:
            values += [part.strip() for part in header.split(",") if part.strip()]
        return values

    def page_size(self, default):
        for value in self.prefer():
            if value.startswith("odata.maxpagesize="):
                return max(1, int(value.split("=", 1)[1]))
        return default

    def send(self, status, payload, headers):
        if isinstance(payload, (dict, list)):
            body = json.dumps(payload).encode()
            headers = [("Content-Type", "application/json")] + headers
        elif isinstance(payload, str):
            body = payload.encode()
        else:
            body = payload or b""
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def handle_any(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if url.path == "/_control":
            with LOCK:
                result = control(json.loads(raw or b"{}"))
            return self.send(200, result, [])
        if url.path == "/_state":
            with LOCK:
                state = {"events": [public(e) for e in STATE["events"].values()], "posts": STATE["posts"],
                         "accessTokens": sorted(STATE["access"]), "refreshTokens": sorted(STATE["refresh"]), "held": HELD["count"]}
            return self.send(200, state, [])
        if url.path == "/_log":
            with LOCK:
                log = list(STATE["log"])
            return self.send(200, log, [])

        form = {}
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        entry = {"method": self.command, "path": url.path, "query": url.query, "prefer": self.prefer(),
                 "authorization": self.headers.get("Authorization"), "form": form, "status": None}
        with LOCK:
            STATE["log"].append(entry)
            rule = self.take_rule(url.path, unquote(url.query))

        if rule and rule.get("hold"):
            with LOCK:
                HELD["count"] += 1
            RELEASED.wait(60)
            with LOCK:
                HELD["count"] -= 1
        if rule and "hang" in rule:
            time.sleep(float(rule["hang"]))
        if rule and rule.get("malformed"):
            entry["status"] = 200
            return self.send(200, b'{"value": [{"id": "truncated", "start": {"dateTi', [("Content-Type", "application/json")])
        if rule and "status" in rule and not rule.get("afterProcessing"):
            entry["status"] = rule["status"]
            return self.send(*self.failure(rule))

        with LOCK:
            status, payload, headers = self.route(url, raw, form)
        if rule and rule.get("afterProcessing"):
            status, payload, headers = self.failure(rule)
        entry["status"] = status
        self.send(status, payload, headers)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    def take_rule(self, path, query):
        for rule in STATE["fail"]:
            if rule.get("times", 1) <= 0:
                continue
            if "path" in rule and rule["path"] not in path:
                continue
            if "method" in rule and rule["method"] != self.command:
                continue
            if "query" in rule and rule["query"] not in query:
                continue
            rule["times"] = rule.get("times", 1) - 1
            return rule
        return None

    def failure(self, rule):
        status = int(rule["status"])
        headers = [("Retry-After", str(rule["retryAfter"]))] if "retryAfter" in rule else []
        code = {429: "TooManyRequests", 503: "ServiceNotAvailable", 504: "GatewayTimeout"}.get(status, "InternalServerError" if status >= 500 else "BadRequest")
        return graph_error(status, code, "injected failure", headers)

    # -- routing ----------------------------------------------------------------------------------

    def route(self, url, raw, form):
        path = url.path
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if path == "/common/oauth2/v2.0/devicecode" and self.command == "POST":
            return self.device_code(form)
        if path == "/common/oauth2/v2.0/token" and self.command == "POST":
            return self.token(form)
        if not path.startswith("/v1.0/"):
            return graph_error(404, "ResourceNotFound", "no such endpoint")

        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("Bearer ") or authorization[7:] not in STATE["access"] or STATE["revoked"]:
            return graph_error(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.",
                               [("WWW-Authenticate", 'Bearer realm=""')])

        parts = [unquote(p) for p in path[len("/v1.0/"):].split("/")]
        if parts == ["me"] and self.command == "GET":
            return 200, dict(STATE["me"]), []
        if parts == ["me", "calendars"] and self.command == "GET":
            return self.calendars(url, query)
        if parts[:2] == ["me", "calendarView"] and parts[2:] == ["delta"] and self.command == "GET":
            return self.delta(url, query, DEFAULT_CALENDAR)
        if len(parts) == 5 and parts[:2] == ["me", "calendars"] and parts[3:] == ["calendarView", "delta"] and self.command == "GET":
            return self.delta(url, query, parts[2])
        if parts == ["me", "events"] and self.command == "POST":
            return self.create(raw, DEFAULT_CALENDAR)
        if len(parts) == 4 and parts[:2] == ["me", "calendars"] and parts[3] == "events" and self.command == "POST":
            if not any(c["id"] == parts[2] for c in STATE["calendars"]):
                return graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            return self.create(raw, parts[2])
        if len(parts) == 3 and parts[:2] == ["me", "events"]:
            return self.event(parts[2], raw)
        return graph_error(400, "BadRequest", "unsupported request in the fake: %s %s" % (self.command, path))

    # -- login ------------------------------------------------------------------------------------

    def issue_tokens(self, scope):
        STATE["issued"] += 1
        access, refresh = "access-%d" % STATE["issued"], "refresh-%d" % STATE["issued"]
        STATE["access"].add(access)
        STATE["refresh"].add(refresh)
        return 200, {"token_type": "Bearer", "scope": scope or "Calendars.ReadWrite", "expires_in": 3600, "ext_expires_in": 3600,
                     "access_token": access, "refresh_token": refresh}, []

    def device_code(self, form):
        if not form.get("client_id"):
            return oauth_error("invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.")
        code = new_token("dc-")
        config = STATE["device"]
        STATE["codes"][code] = {"pending": config["pending"], "slowDown": config["slowDown"], "outcome": config["outcome"], "scope": form.get("scope", "")}
        user_code = "FAKE%04d" % STATE["tokens"]
        uri = "https://microsoft.com/devicelogin"
        return 200, {"device_code": code, "user_code": user_code, "verification_uri": uri, "expires_in": config["expiresIn"],
                     "interval": config["interval"],
                     "message": "To sign in, use a web browser to open the page %s and enter the code %s to authenticate." % (uri, user_code)}, []

    def token(self, form):
        if not form.get("client_id"):
            return oauth_error("invalid_request", "AADSTS900144: client_id missing")
        grant = form.get("grant_type")
        if grant == DEVICE_GRANT:
            code = STATE["codes"].get(form.get("device_code", ""))
            if code is None:
                return oauth_error("bad_verification_code", "AADSTS70019: unknown device code")
            if code["pending"] > 0:
                code["pending"] -= 1
                return oauth_error("authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.")
            if code["slowDown"] > 0:
                code["slowDown"] -= 1
                return oauth_error("slow_down", "slow down")
            if code["outcome"] != "success":
                return oauth_error(code["outcome"], "AADSTS70020: device flow ended")
            return self.issue_tokens(code["scope"])
        if grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            if STATE["revoked"] or refresh not in STATE["refresh"]:
                return oauth_error("invalid_grant", "AADSTS70000: The provided grant has expired or was revoked.")
            STATE["refresh"].discard(refresh)
            return self.issue_tokens(form.get("scope"))
        return oauth_error("unsupported_grant_type", "AADSTS70003: unsupported grant type")

    # -- calendars --------------------------------------------------------------------------------

    def calendars(self, url, query):
        offset = int(query.get("$skiptoken", "0"))
        size = self.page_size(2)
        page = STATE["calendars"][offset:offset + size]
        body = {"@odata.context": "fake", "value": page}
        if offset + size < len(STATE["calendars"]):
            body["@odata.nextLink"] = "%s%s?$skiptoken=%d" % (self.base(), url.path, offset + size)
        return 200, body, []

    def delta(self, url, query, calendar):
        if "$skiptoken" in query:
            saved = STATE["skip"].pop(query["$skiptoken"], None)
            if saved is None:
                return graph_error(410, "syncStateNotFound", "The sync state generation is not found.")
            return self.page(url, saved["rows"], saved["final"])
        if "$deltatoken" in query:
            token = STATE["delta"].get(query["$deltatoken"])
            if token is None:
                return graph_error(410, "syncStateNotFound", "The sync state generation is not found.")
            rows = []
            for event in sorted(STATE["events"].values(), key=lambda e: e["_version"]):
                if event["_calendar"] != token["calendar"] or event["_version"] <= token["seq"]:
                    continue
                if overlaps(time_of(event["start"]), time_of(event["end"]), token["start"], token["end"]):
                    rows.append(public(event))
                else:
                    rows.append({"id": event["id"], "@removed": {"reason": "deleted"}})
            for event_id, (version, cal, start, end) in STATE["tombstones"].items():
                if cal == token["calendar"] and version > token["seq"] and overlaps(start, end, token["start"], token["end"]):
                    rows.append({"id": event_id, "@removed": {"reason": "deleted"}})
            window = dict(token)
        else:
            if "startDateTime" not in query or "endDateTime" not in query:
                return graph_error(400, "ErrorInvalidParameter", "startDateTime and endDateTime are required")
            start, end = parse_time(query["startDateTime"]), parse_time(query["endDateTime"])
            rows = [public(e) for e in sorted(STATE["events"].values(), key=lambda e: time_of(e["start"]))
                    if e["_calendar"] == calendar and overlaps(time_of(e["start"]), time_of(e["end"]), start, end)]
            window = {"start": start, "end": end, "calendar": calendar}
        window["seq"] = STATE["seq"]
        final = new_token("dt-")
        STATE["delta"][final] = window
        return self.page(url, rows, final)

    def page(self, url, rows, final):
        size = self.page_size(10)
        body = {"@odata.context": "fake", "value": rows[:size]}
        if len(rows) > size:
            skip = new_token("st-")
            STATE["skip"][skip] = {"rows": rows[size:], "final": final}
            body["@odata.nextLink"] = "%s%s?$skiptoken=%s" % (self.base(), url.path, skip)
        else:
            body["@odata.deltaLink"] = "%s%s?$deltatoken=%s" % (self.base(), url.path, final)
        return 200, body, []

    # -- events -----------------------------------------------------------------------------------

    def read_event(self, raw):
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return None, graph_error(400, "BadRequest", "Unable to read JSON request payload.")
        for key in ("start", "end"):
            if key in body and (body[key].get("timeZone") != "UTC" or body[key]["dateTime"].endswith("Z")):
                return None, graph_error(400, "BadRequest", "the fake understands {dateTime without offset, timeZone UTC} only")
        return body, None

    def create(self, raw, calendar):
        body, error = self.read_event(raw)
        if error:
            return error
        if "start" not in body or "end" not in body:
            return graph_error(400, "ErrorPropertyValidationFailure", "start and end are required")
        STATE["posts"] += 1
        transaction = body.get("transactionId")
        if transaction:
            for event in STATE["events"].values():
                if event.get("transactionId") == transaction:
                    return 201, public(event), []
        STATE["created"] += 1
        event_id = "AAMkAD%04d=" % STATE["created"]
        event = upsert({"id": event_id, "calendar": calendar, "subject": body.get("subject", ""), "start": body["start"], "end": body["end"],
                        "showAs": body.get("showAs", "busy")})
        event["body"] = body.get("body", {})
        if transaction:
            event["transactionId"] = transaction
        return 201, public(event), []

    def event(self, event_id, raw):
        event = STATE["events"].get(event_id)
        if event is None:
            return graph_error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        if self.command == "GET":
            return 200, public(event), []
        if self.command == "DELETE":
            delete(event_id)
            return 204, b"", []
        if self.command == "PATCH":
            body, error = self.read_event(raw)
            if error:
                return error
            spec = {"id": event_id}
            spec.update({k: body[k] for k in ("subject", "start", "end", "showAs") if k in body})
            event = upsert(spec)
            if "body" in body:
                event["body"] = body["body"]
            return 200, public(event), []
        return graph_error(405, "MethodNotAllowed", "method not allowed")


def control(command):
    global STATE
    if command.get("reset"):
        STATE = initial_state()
    for spec in command.get("events", []):
        upsert(spec)
    for event_id in command.get("delete", []):
        delete(event_id)
    if command.get("expireAccessToken"):
        STATE["access"].clear()
    if command.get("revoke"):
        STATE["revoked"] = True
        STATE["refresh"].clear()
        STATE["access"].clear()
    if command.get("forgetDeltaTokens"):
        STATE["delta"].clear()
        STATE["skip"].clear()
    if "deviceFlow" in command:
        STATE["device"].update(command["deviceFlow"])
    if "me" in command:
        STATE["me"] = command["me"]
    for rule in command.get("fail", []):
        if rule.get("hold"):
            RELEASED.clear()
        STATE["fail"].append(dict(rule))
    if command.get("release"):
        RELEASED.set()
    return {"ok": True}


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
