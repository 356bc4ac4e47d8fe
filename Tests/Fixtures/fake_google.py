"""A fake Google Calendar API v3 and Google OAuth 2.0 server for the tests (Python 3 stdlib only).

Started by Tests/TestSupport/FakeServer.swift: listens on 127.0.0.1, a free port, printed as the first
line of stdout. Everything lives under the one base URL (use it as GOOGLE_API_BASE, GOOGLE_OAUTH_BASE
and GOOGLE_ACCOUNTS_BASE at once).

Wire format, as documented by Google (see /work/shared/reference/integrations-wire-formats.md):
  GET  /o/oauth2/v2/auth?client_id&redirect_uri&response_type=code&scope&state&code_challenge
       &code_challenge_method=S256  -> 302 to redirect_uri?state=..&code=..  (or ?error=access_denied)
       (the "browser" part: a test follows the Location header to the loopback listener itself)
  POST /token  form grant_type=authorization_code (code, client_id, client_secret, redirect_uri,
       code_verifier checked against the S256 challenge) | grant_type=refresh_token (client_id,
       client_secret, refresh_token) -> {"access_token","expires_in":3599,"token_type":"Bearer",...};
       400 {"error":"invalid_grant"} for an unknown, used or revoked code / refresh token;
       401 {"error":"invalid_client"} for a wrong client id or secret.
  Every /calendar/v3 path needs "Authorization: Bearer <live access token>", else 401.
  GET  /calendar/v3/users/me/calendarList  (maxResults, default 100; pageToken)
  GET  /calendar/v3/calendars/{id}/events  ("primary" allowed) with singleEvents (weekly/daily
       RRULE expansion, instance ids "<id>_<UTC start>Z" or "<id>_<date>"), timeMin (exclusive bound
       on the end), timeMax (exclusive bound on the start), maxResults (default 250, max 2500),
       pageToken, showDeleted, syncToken (400 with timeMin/timeMax/orderBy/q/updatedMin; 410
       fullSyncRequired when unknown or invalidated). Exactly one of nextPageToken / nextSyncToken;
       the sync token of a listing is taken when its first page is served.
       Incremental answers contain every event changed since the token, cancelled ones included
       (a deleted event carries only kind, etag, id, status).
  POST   /calendar/v3/calendars/{id}/events[?sendUpdates=none]  insert; a client id must match
         [a-v0-9]{5,1024} (else 400); an id already used (even by a deleted event) -> 409 duplicate
  GET    .../events/{eventId}   PATCH .../events/{eventId} (shallow merge; 404 unknown)
  DELETE .../events/{eventId}   204; 410 "deleted" when already deleted; 404 unknown

Initial state: client id CLIENT_ID / secret CLIENT_SECRET below; one grant whose refresh token is
INITIAL_REFRESH and whose live access token is INITIAL_ACCESS; calendars PRIMARY_ID (primary,
Europe/Paris), "c_travaux@group.calendar.google.com" (Travaux) and
"fr.french#holiday@group.v.calendar.google.com" (Jours fériés); no events.

Control protocol (test-only, never counted in the request log, never subject to failures):
  POST /_control  JSON object, every key optional, applied in this order:
    "reset": true                     back to the initial state
    "calendars": [{"id","summary","primary"?,"timeZone"?}]   replace the calendar list
    "calendarId": "..."               the calendar that "events"/"cancel" apply to (default primary)
    "events": [event, ...]            insert or replace events (Google's JSON shape; "recurrence":
                                      ["RRULE:FREQ=WEEKLY;COUNT=5"] supported with FREQ=DAILY|WEEKLY,
                                      INTERVAL, COUNT, UNTIL); each counts as a change for sync tokens
    "cancel": ["id", ...]             mark events (or single instances "<id>_<...>") cancelled
    "fail": [rule, ...]               append failure rules (below)
    "expireAccessToken": true         every access token issued so far stops working (401)
    "revoke": true                    every refresh token is revoked (invalid_grant), access tokens too
    "invalidateSyncTokens": true      every sync token issued so far answers 410
    "denyConsent": true|false         the consent page redirects with error=access_denied
    "release": true                   lets every held request go on
    -> 200 {"ok": true}
  GET /_control -> {"events": {calendarId: [stored events, internal fields removed]},
                    "requests": [{"method","path","query":{name:[values]},"authorization","body"}],
                    "accessTokens": [...], "refreshTokens": {token: revoked?}}
  A failure rule is consulted before routing; the first rule whose "path" (substring of the URL
  path, default: any) and "method" (default: any) match is used and its "times" (default 1;
  negative = forever) decremented:
    {"status": 429, "retryAfter": 1}   answer that status (with Retry-After when given) and a
                                       Google-style error body ("body": "..." overrides it)
    {"hang": 5}                        sleep 5 s, then answer normally (a client times out first)
    {"hold": true}                     hold the request until a control {"release": true} (at most
                                       60 s), then answer normally; GET /_control counts the held
                                       ones in "held" (ordering without sleeps)
    {"malformed": true}                200 with a truncated JSON body
    {"pass": true}                     answer normally (lets the first requests through, e.g. a
                                       first page, before a later rule applies to the next ones)
"""
import base64
import hashlib
import json
import re
import secrets
import threading
import time
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, unquote, urlencode, urlparse
from zoneinfo import ZoneInfo
from fake_process import serve_http, stay_stoppable

CLIENT_ID = "fake-client-id.apps.googleusercontent.com"
CLIENT_SECRET = "fake-client-secret"
INITIAL_ACCESS = "fake-access-0"
INITIAL_REFRESH = "fake-refresh-0"
PRIMARY_ID = "artisan@example.com"
CLIENT_ID_PATTERN = re.compile(r"^[a-v0-9]{5,1024}$")

lock = threading.RLock()
state = {}
released = threading.Event()
held = {"count": 0}


def initial_state():
    return {
        "seq": 0,
        "calendars": [
            {"id": PRIMARY_ID, "summary": PRIMARY_ID, "primary": True, "timeZone": "Europe/Paris"},
            {"id": "c_travaux@group.calendar.google.com", "summary": "Travaux", "timeZone": "Europe/Paris"},
            {"id": "fr.french#holiday@group.v.calendar.google.com", "summary": "Jours fériés", "timeZone": "Europe/Paris"},
        ],
        "events": {},  # calendarId -> {eventId -> event}
        "access": {INITIAL_ACCESS},
        "refresh": {INITIAL_REFRESH: False},  # token -> revoked
        "codes": {},  # code -> {challenge, redirect_uri, client_id}
        "sync": {},  # sync token -> seq
        "pages": {},  # page token -> {"items", "offset", "size", "sync"}
        "fail": [],
        "requests": [],
        "deny": False,
    }


def reset():
    state.clear()
    state.update(initial_state())


def primary_id():
    for calendar in state["calendars"]:
        if calendar.get("primary"):
            return calendar["id"]
    return state["calendars"][0]["id"] if state["calendars"] else PRIMARY_ID


def calendar_zone(calendar_id):
    for calendar in state["calendars"]:
        if calendar["id"] == calendar_id:
            return calendar.get("timeZone", "UTC")
    return "UTC"


def next_seq():
    state["seq"] += 1
    return state["seq"]


def stamp():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def google_error(status, message, reason, extra=None):
    names = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
             409: "ALREADY_EXISTS", 410: "GONE", 429: "RESOURCE_EXHAUSTED"}
    return {"error": {"code": status, "message": message,
                      "errors": [dict({"domain": "global", "reason": reason, "message": message}, **(extra or {}))],
                      "status": names.get(status, "INTERNAL" if status >= 500 else "UNKNOWN")}}


# ---------------------------------------------------------------------------------------------
# Events: times, recurrence expansion, listing


def parse_time(value, zone_name):
    """An event time ({"dateTime"} or {"date"}) as an aware datetime."""
    if value is None:
        return None
    if "dateTime" in value:
        text = value["dateTime"].replace("Z", "+00:00").replace("z", "+00:00")
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(value.get("timeZone") or zone_name))
        return parsed
    if "date" in value:
        day = date.fromisoformat(value["date"])
        return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone_name))
    return None


def parse_rrule(recurrence):
    for line in recurrence or []:
        if line.startswith("RRULE:"):
            parts = dict(item.split("=", 1) for item in line[len("RRULE:"):].split(";") if "=" in item)
            return parts
    return None


def instance_id(master, start, all_day):
    if all_day:
        return "%s_%s" % (master["id"], start.strftime("%Y%m%d"))
    return "%s_%s" % (master["id"], start.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))


def expand(master, zone_name, overrides, horizon):
    """The instances of a recurring event: FREQ=DAILY|WEEKLY with INTERVAL, COUNT, UNTIL."""
    rule = parse_rrule(master.get("recurrence"))
    all_day = "date" in master["start"]
    start_zone = ZoneInfo(master["start"].get("timeZone") or zone_name)
    first_start = parse_time(master["start"], zone_name)
    first_end = parse_time(master["end"], zone_name)
    if rule is None or first_start is None or first_end is None:
        return [master]
    step_days = {"DAILY": 1, "WEEKLY": 7}.get(rule.get("FREQ", "WEEKLY"), 7) * int(rule.get("INTERVAL", "1"))
    count = int(rule["COUNT"]) if "COUNT" in rule else None
    until = None
    if "UNTIL" in rule:
        text = rule["UNTIL"]
        until = (datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc) if "T" in text
                 else datetime.strptime(text, "%Y%m%d").replace(tzinfo=start_zone) + timedelta(days=1))
    local_first = first_start.astimezone(start_zone).replace(tzinfo=None)
    duration = first_end - first_start
    instances = []
    index = 0
    while index < 1000:
        if count is not None and index >= count:
            break
        local = local_first + timedelta(days=step_days * index)
        start = local.replace(tzinfo=start_zone)
        if until is not None and start > until:
            break
        if until is None and count is None and horizon is not None and start >= horizon:
            break
        end = start + duration if not all_day else (local + (first_end.replace(tzinfo=None) - first_start.replace(tzinfo=None))).replace(tzinfo=start_zone)
        ident = instance_id(master, start, all_day)
        if ident in overrides:
            instances.append(overrides[ident])
        else:
            instance = {key: value for key, value in master.items() if key != "recurrence"}
            instance["id"] = ident
            instance["recurringEventId"] = master["id"]
            if all_day:
                instance["start"] = {"date": start.date().isoformat()}
                instance["end"] = {"date": end.date().isoformat()}
                instance["originalStartTime"] = {"date": start.date().isoformat()}
            else:
                tz = master["start"].get("timeZone")
                instance["start"] = dict({"dateTime": start.isoformat()}, **({"timeZone": tz} if tz else {}))
                instance["end"] = dict({"dateTime": end.isoformat()}, **({"timeZone": tz} if tz else {}))
                instance["originalStartTime"] = dict(instance["start"])
            instances.append(instance)
        index += 1
    return instances


def public(event):
    """An event as the API shows it: internal fields removed; a deleted one reduced to its id."""
    if event.get("_deleted"):
        return {"kind": "calendar#event", "etag": event.get("etag", '"0"'), "id": event["id"], "status": "cancelled"}
    shown = {key: value for key, value in event.items() if not key.startswith("_")}
    shown.setdefault("kind", "calendar#event")
    return shown


def listing(calendar_id, query):
    """(items, error) for events.list without paging."""
    store = state["events"].get(calendar_id, {})
    zone_name = calendar_zone(calendar_id)
    single = query.get("singleEvents", ["false"])[0] == "true"
    show_deleted = query.get("showDeleted", ["false"])[0] == "true"
    since = None
    if "syncToken" in query:
        since = state["sync"].get(query["syncToken"][0])
        if since is None:
            return None, (410, google_error(410, "Sync token is no longer valid, a full sync is required.", "fullSyncRequired",
                                            {"domain": "calendar", "locationType": "parameter", "location": "syncToken"}))
    try:
        time_min = datetime.fromisoformat(query["timeMin"][0].replace("Z", "+00:00")) if "timeMin" in query else None
        time_max = datetime.fromisoformat(query["timeMax"][0].replace("Z", "+00:00")) if "timeMax" in query else None
    except ValueError:
        return None, (400, google_error(400, "Bad Request", "badRequest"))
    if (time_min and time_min.tzinfo is None) or (time_max and time_max.tzinfo is None):
        return None, (400, google_error(400, "Bad Request", "badRequest"))

    overrides = {}
    for event in store.values():
        if event.get("recurringEventId") and event["id"] != event["recurringEventId"]:
            overrides[event["id"]] = event
    candidates = []
    for event in store.values():
        if event["id"] in overrides:
            continue  # shown through its master's expansion
        if single and event.get("recurrence") and not event.get("_deleted"):
            master_changed = since is not None and event["_seq"] > since
            for instance in expand(event, zone_name, overrides, time_max or datetime.now(timezone.utc) + timedelta(days=730)):
                instance_changed = instance["id"] in overrides and instance["_seq"] > since if since is not None else False
                if since is None or master_changed or instance_changed:
                    candidates.append(instance)
        elif since is None or event["_seq"] > since:
            candidates.append(event)

    items = []
    for event in candidates:
        cancelled = event.get("status") == "cancelled" or event.get("_deleted")
        if since is None:
            if cancelled and not show_deleted:
                continue
            start = parse_time(event.get("start"), zone_name)
            end = parse_time(event.get("end"), zone_name)
            if start is not None and end is not None:
                if time_min is not None and not end > time_min:
                    continue
                if time_max is not None and not start < time_max:
                    continue
        items.append(event)

    def order(event):
        start = parse_time(event.get("start"), zone_name)
        return (start.timestamp() if start else 0, event["id"])

    items.sort(key=order)
    return [public(item) for item in items], None


def issue_sync_token():
    token = "sync-%d-%s" % (state["seq"], secrets.token_hex(4))
    state["sync"][token] = state["seq"]
    return token


def page(items, size, sync_token, kind_extra):
    """The first page of `items`, the rest registered behind a page token."""
    return page_from({"items": items, "offset": 0, "size": size, "sync": sync_token, "extra": kind_extra})


def page_from(snapshot):
    items, offset, size = snapshot["items"], snapshot["offset"], snapshot["size"]
    body = dict(snapshot["extra"])
    body["items"] = items[offset:offset + size]
    if offset + size < len(items):
        token = "page-" + secrets.token_hex(8)
        state["pages"][token] = dict(snapshot, offset=offset + size)
        body["nextPageToken"] = token
    elif snapshot["sync"] is not None:
        body["nextSyncToken"] = snapshot["sync"]
    return body


# ---------------------------------------------------------------------------------------------
# HTTP


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=None, headers=(), raw=None):
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body is not None or raw is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def handle_any(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        query = parse_qs(url.query, keep_blank_values=True)
        if url.path == "/_control":
            with lock:
                return self.control(raw_body)
        with lock:
            state["requests"].append({"method": self.command, "path": url.path, "query": query,
                                      "authorization": self.headers.get("Authorization"),
                                      "body": raw_body.decode("utf-8", "replace")})
            rule = self.matching_rule(url.path)
        if rule is not None:
            if rule.get("hold"):
                with lock:
                    held["count"] += 1
                released.wait(60)
                with lock:
                    held["count"] -= 1
            elif "hang" in rule:
                time.sleep(float(rule["hang"]))
            elif rule.get("malformed"):
                return self.reply(200, raw=b'{"kind": "calendar#events", "items": [{"id": "trunc')
            elif "status" in rule:
                status = int(rule["status"])
                headers = [("Retry-After", str(rule["retryAfter"]))] if "retryAfter" in rule else []
                if "body" in rule:
                    return self.reply(status, raw=rule["body"].encode(), headers=headers)
                reason = "rateLimitExceeded" if status in (403, 429) else "backendError"
                return self.reply(status, google_error(status, "Injected failure", reason), headers)
        with lock:
            return self.route(url.path, query, raw_body)

    def matching_rule(self, path):
        for rule in state["fail"]:
            if rule.get("times", 1) == 0:
                continue
            if "path" in rule and rule["path"] not in path:
                continue
            if "method" in rule and rule["method"].upper() != self.command:
                continue
            if rule.get("times", 1) > 0:
                rule["times"] = rule.get("times", 1) - 1
            return rule
        return None

    # -- control --------------------------------------------------------------------------------

    def control(self, raw_body):
        if self.command == "GET":
            events = {cal: [public(e) if e.get("_deleted") else {k: v for k, v in e.items() if not k.startswith("_")}
                            for e in store.values()] for cal, store in state["events"].items()}
            return self.reply(200, {"events": events, "requests": state["requests"], "accessTokens": sorted(state["access"]),
                                    "refreshTokens": state["refresh"], "held": held["count"]})
        try:
            command = json.loads(raw_body or b"{}")
        except ValueError:
            return self.reply(400, {"error": "control body is not JSON"})
        if command.get("reset"):
            reset()
        if "calendars" in command:
            state["calendars"] = command["calendars"]
        calendar_id = command.get("calendarId") or primary_id()
        store = state["events"].setdefault(calendar_id, {})
        for event in command.get("events", []):
            stored = dict(event)
            stored.setdefault("status", "confirmed")
            stored["_seq"] = next_seq()
            stored["etag"] = '"%d"' % stored["_seq"]
            stored["updated"] = stamp()
            store[stored["id"]] = stored
        for ident in command.get("cancel", []):
            if ident in store:
                store[ident]["status"] = "cancelled"
                store[ident]["_seq"] = next_seq()
            elif "_" in ident and ident.rsplit("_", 1)[0] in store:
                master = ident.rsplit("_", 1)[0]
                store[ident] = {"id": ident, "recurringEventId": master, "status": "cancelled", "_seq": next_seq()}
        if any(rule.get("hold") for rule in command.get("fail", [])):
            released.clear()
        state["fail"].extend(command.get("fail", []))
        if command.get("release"):
            released.set()
        if command.get("expireAccessToken"):
            state["access"].clear()
        if command.get("revoke"):
            state["access"].clear()
            for token in state["refresh"]:
                state["refresh"][token] = True
        if command.get("invalidateSyncTokens"):
            state["sync"].clear()
        if "denyConsent" in command:
            state["deny"] = bool(command["denyConsent"])
        return self.reply(200, {"ok": True})

    # -- routing --------------------------------------------------------------------------------

    def route(self, path, query, raw_body):
        if path == "/o/oauth2/v2/auth" and self.command == "GET":
            return self.consent(query)
        if path == "/token" and self.command == "POST":
            return self.token(raw_body)
        if path.startswith("/calendar/v3/"):
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth[len("Bearer "):] not in state["access"]:
                return self.reply(401, google_error(401, "Request had invalid authentication credentials.", "authError",
                                                    {"location": "Authorization", "locationType": "header"}),
                                  [("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"')])
            segments = [unquote(part) for part in path[len("/calendar/v3/"):].split("/")]
            if segments == ["users", "me", "calendarList"] and self.command == "GET":
                return self.calendar_list(query)
            if len(segments) >= 3 and segments[0] == "calendars" and segments[2] == "events":
                calendar_id = primary_id() if segments[1] == "primary" else segments[1]
                if calendar_id not in [c["id"] for c in state["calendars"]]:
                    return self.reply(404, google_error(404, "Not Found", "notFound"))
                store = state["events"].setdefault(calendar_id, {})
                if len(segments) == 3:
                    if self.command == "GET":
                        return self.list_events(calendar_id, query)
                    if self.command == "POST":
                        return self.insert(store, raw_body)
                elif len(segments) == 4:
                    return self.one_event(store, segments[3], raw_body)
        return self.reply(404, google_error(404, "Not Found", "notFound"))

    def consent(self, query):
        def one(name):
            return query.get(name, [None])[0]
        redirect = one("redirect_uri") or ""
        if one("client_id") != CLIENT_ID:
            return self.reply(400, raw=b"Error 401: invalid_client")
        if not re.match(r"^http://(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?(/.*)?$", redirect) or one("response_type") != "code":
            return self.reply(400, raw=b"Error 400: redirect_uri_mismatch")
        if one("code_challenge_method") != "S256" or not one("code_challenge") or "calendar" not in (one("scope") or ""):
            return self.reply(400, raw=b"Error 400: invalid_request")
        params = {}
        if one("state") is not None:
            params["state"] = one("state")
        if state["deny"]:
            params["error"] = "access_denied"
        else:
            code = "4/0A" + secrets.token_urlsafe(24)
            state["codes"][code] = {"challenge": one("code_challenge"), "redirect_uri": redirect, "client_id": one("client_id")}
            params["code"] = code
            params["scope"] = one("scope")
        separator = "&" if "?" in redirect else "?"
        return self.reply(302, headers=[("Location", redirect + separator + urlencode(params))])

    def token(self, raw_body):
        form = {key: values[0] for key, values in parse_qs(raw_body.decode(), keep_blank_values=True).items()}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return self.reply(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = state["codes"].pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if entry is None or entry["redirect_uri"] != form.get("redirect_uri") or entry["challenge"] != challenge:
                return self.reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            access = "fake-access-" + secrets.token_hex(8)
            refresh = "fake-refresh-" + secrets.token_hex(8)
            state["access"].add(access)
            state["refresh"][refresh] = False
            return self.reply(200, {"access_token": access, "expires_in": 3599, "refresh_token": refresh,
                                    "scope": "https://www.googleapis.com/auth/calendar", "token_type": "Bearer"})
        if grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            if state["refresh"].get(refresh, True):
                return self.reply(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
            access = "fake-access-" + secrets.token_hex(8)
            state["access"].add(access)
            return self.reply(200, {"access_token": access, "expires_in": 3599,
                                    "scope": "https://www.googleapis.com/auth/calendar", "token_type": "Bearer"})
        return self.reply(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type."})

    def calendar_list(self, query):
        if "pageToken" in query:
            snapshot = state["pages"].pop(query["pageToken"][0], None)
            if snapshot is None:
                return self.reply(400, google_error(400, "Invalid page token value.", "invalid"))
            return self.reply(200, page_from(snapshot))
        size = min(int(query.get("maxResults", ["100"])[0]), 250)
        items = [{"kind": "calendar#calendarListEntry", "id": c["id"], "summary": c["summary"],
                  "timeZone": c.get("timeZone", "UTC"), "accessRole": "owner",
                  **({"primary": True} if c.get("primary") else {})} for c in state["calendars"]]
        return self.reply(200, page(items, size, issue_sync_token(), {"kind": "calendar#calendarList", "etag": '"1"'}))

    def list_events(self, calendar_id, query):
        if "pageToken" in query:
            snapshot = state["pages"].pop(query["pageToken"][0], None)
            if snapshot is None:
                return self.reply(400, google_error(400, "Invalid page token value.", "invalid"))
            if int(query.get("maxResults", [str(snapshot["size"])])[0]) != snapshot["size"]:
                snapshot["size"] = min(int(query["maxResults"][0]), 2500)
            return self.reply(200, page_from(snapshot))
        if "syncToken" in query:
            for forbidden in ("timeMin", "timeMax", "orderBy", "q", "updatedMin", "iCalUID"):
                if forbidden in query:
                    return self.reply(400, google_error(400, "Sync token cannot be combined with %s." % forbidden, "invalid"))
        if query.get("orderBy", [None])[0] == "startTime" and query.get("singleEvents", ["false"])[0] != "true":
            return self.reply(400, google_error(400, "The requested ordering is not available for the particular query.", "invalid"))
        try:
            size = int(query.get("maxResults", ["250"])[0])
        except ValueError:
            return self.reply(400, google_error(400, "Invalid value for maxResults.", "invalid"))
        if size < 1:
            return self.reply(400, google_error(400, "Invalid value for maxResults.", "invalid"))
        items, error = listing(calendar_id, query)
        if error is not None:
            return self.reply(*error)
        extra = {"kind": "calendar#events", "etag": '"%d"' % state["seq"], "summary": calendar_id, "updated": stamp(),
                 "timeZone": calendar_zone(calendar_id), "accessRole": "owner", "defaultReminders": []}
        return self.reply(200, page(items, min(size, 2500), issue_sync_token(), extra))

    def insert(self, store, raw_body):
        try:
            event = json.loads(raw_body or b"{}")
            assert isinstance(event, dict)
        except (ValueError, AssertionError):
            return self.reply(400, google_error(400, "Parse Error", "parseError"))
        if "id" in event:
            if not CLIENT_ID_PATTERN.match(event["id"]):
                return self.reply(400, google_error(400, "Invalid resource id value.", "invalid"))
            if event["id"] in store:
                return self.reply(409, google_error(409, "The requested identifier already exists.", "duplicate"))
        else:
            event["id"] = secrets.token_hex(13)
        if "start" not in event:
            return self.reply(400, google_error(400, "Missing start time.", "required"))
        if "end" not in event:
            return self.reply(400, google_error(400, "Missing end time.", "required"))
        event["status"] = event.get("status", "confirmed")
        event["created"] = event["updated"] = stamp()
        event["_seq"] = next_seq()
        event["etag"] = '"%d"' % event["_seq"]
        event["iCalUID"] = event["id"] + "@google.com"
        store[event["id"]] = event
        return self.reply(200, public(event))

    def one_event(self, store, event_id, raw_body):
        event = store.get(event_id)
        if self.command == "GET":
            if event is None:
                return self.reply(404, google_error(404, "Not Found", "notFound"))
            return self.reply(200, public(event))
        if self.command in ("PATCH", "PUT"):
            if event is None:
                return self.reply(404, google_error(404, "Not Found", "notFound"))
            try:
                changes = json.loads(raw_body or b"{}")
                assert isinstance(changes, dict)
            except (ValueError, AssertionError):
                return self.reply(400, google_error(400, "Parse Error", "parseError"))
            changes.pop("id", None)
            if self.command == "PUT":
                event = {"id": event_id, "created": event.get("created"), "iCalUID": event.get("iCalUID")}
            event.update(changes)
            event.pop("_deleted", None)
            event["_seq"] = next_seq()
            event["etag"] = '"%d"' % event["_seq"]
            event["updated"] = stamp()
            store[event_id] = event
            return self.reply(200, public(event))
        if self.command == "DELETE":
            if event is None:
                return self.reply(404, google_error(404, "Not Found", "notFound"))
            if event.get("status") == "cancelled":
                return self.reply(410, google_error(410, "Resource has been deleted", "deleted"))
            event["status"] = "cancelled"
            event["_deleted"] = True
            event["_seq"] = next_seq()
            return self.reply(204)
        return self.reply(405, google_error(405, "Method Not Allowed", "httpMethodNotAllowed"))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


stay_stoppable()
reset()
serve_http(Handler)
