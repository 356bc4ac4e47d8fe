"""A fake SendGrid v3 Mail Send API for the tests (Python 3 stdlib only).

Started by Tests/TestSupport/FakeServer.swift as FakeServer.start("sendgrid"): listens on 127.0.0.1,
a free port, printed as the first line of stdout. The base URL stands for https://api.sendgrid.com.

Wire format, as documented by SendGrid (see /work/shared/reference/integrations-wire-formats.md):
  POST /v3/mail/send  "Authorization: Bearer SG.test_artisan" (API_KEY), else 401
       {"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked",
       "field":null,"help":null}]}.
       A body over 30 MiB (MAX_BODY bytes, Content-Length or chunked) -> 413, nothing parsed.
       A body that is not a JSON object -> 400 {"errors":[{"message":"Bad Request","field":null,...}]}.
       The JSON object is validated as SendGrid does; every problem found is listed (400,
       {"errors":[{"message","field","help"}, ...]}, "field" in SendGrid's dotted notation):
         personalizations  array of 1..1000 objects        field personalizations
           [i].to           array of >= 1 {"email","name"?} field personalizations.i.to
           [i].to[j].email  a valid address                 field personalizations.i.to.j.email
           [i].cc, [i].bcc  optional, as to; an address may appear once per personalization
                            across to/cc/bcc               field personalizations.i.(to|cc|bcc)
           [i].subject      optional string
           [i].dynamic_template_data  optional object       field personalizations.i.dynamic_template_data
           [i].custom_args, [i].headers  optional objects of strings
         from.email        required, a valid address        field from.email
         reply_to.email    a valid address when reply_to is given
         template_id       optional; "d-" + 32 hex (dynamic) or a GUID (legacy), else field template_id
         subject           a non-empty string, required unless template_id is given or every
                           personalization has its own subject      field subject
         content           array of {"type","value"} (both non-empty strings, type without ';'
                           or CR/LF), at least one unless template_id is given; text/plain
                           before text/html before anything else     field content / content.i.type|value
         attachments       array of {"content" (required, strict base64: no line breaks),
                           "filename" (required), "type"? (no ';' or CR/LF), "disposition"?
                           (inline | attachment), "content_id" (required when inline)}
                                                            field attachments.i.<name>
         custom_args       optional object of strings       field custom_args.<key>
         send_at           optional integer
       A value of the wrong JSON type -> "Invalid type. Expected: <type>, given: <type>."
       Other keys are accepted and ignored (kept in the stored message).
       Success: 202, empty body, "X-Message-Id: <22 chars of [A-Za-z0-9_-]>".
  Anything else -> 404 {"errors":[{"field":null,"message":"resource not found"}]}.

Control protocol (test-only, never logged, never subject to failure rules, no auth):
  POST /_control  JSON object, every key optional, applied in this order:
    "reset": true                     back to the initial state (no messages, no log, no rules)
    "clearFailures": true             forget every failure rule
    "fail": [rule, ...]               append failure rules (below)
    "release": true                   lets every held request go on
    -> 200 {"ok": true}
  GET /_control -> {"messages": [{"messageId", "message": the JSON body as sent,
                                  "attachments": [{"filename","type","disposition","size",
                                                   "text": decoded UTF-8 content or null}]}],
                    "requests": [{"method","path","authorization","contentType","size",
                                  "body": parsed JSON, else the text as sent, null when over MAX_BODY}],
                    "held": n}
       authorization is masked to "Bearer ***" when it is the right key, shown as sent otherwise.
  A failure rule is consulted after the request is logged and before anything else; the first rule
  whose "path" (substring of the URL path, default any) and "method" (default any) match is used and
  its "times" (default 1; negative = forever) decremented:
    {"status": 429, "retryAfter": 1}  answer that status with a SendGrid error body (400 Bad Request,
    {"status": 500}                   401 the grant message, 403 access forbidden, 413 payload too
                                      large, 429 too many requests (+ X-RateLimit-* headers), 5xx
                                      internal error; "message" and "field" override, "body": "..."
                                      replaces the body), Retry-After when given; nothing stored
    {"hang": 5}                       sleep 5 s, then answer normally (a client times out first)
    {"hold": true}                    hold the request until {"release": true} (at most 60 s), then
                                      answer normally; GET /_control counts the held ones in "held"
    {"lose": true}                    handle the request for real (a valid message is stored), then
                                      close the connection without an answer
    {"pass": true}                    answer normally (lets first requests through before a later rule)
"""
import base64
import binascii
import json
import re
import secrets
import string
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlparse
from fake_process import Holds, control_command, drop_connection, first_matching_rule, serve_http, stay_stoppable

API_KEY = "SG.test_artisan"
MAX_BODY = 30 * 1024 * 1024
MAX_PERSONALIZATIONS = 1000
MESSAGE_ID_ALPHABET = string.ascii_letters + string.digits + "-_"
HELP = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html"
EMAIL = re.compile(r"[^\s@]+@[^\s@.]+(\.[^\s@.]+)+")
DYNAMIC_TEMPLATE = re.compile(r"d-[0-9a-f]{32}")
LEGACY_TEMPLATE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
UNSAFE_TYPE = re.compile(r"[;\r\n]")

lock = threading.RLock()
state = {}
holds = Holds(lock)


def initial_state():
    return {"messages": [], "requests": [], "fail": []}


def reset():
    state.clear()
    state.update(initial_state())


def error_body(*errors):
    """errors: (message, field) pairs."""
    return {"errors": [{"message": message, "field": field, "help": None} for message, field in errors]}


def encode(body):
    return json.dumps(body).encode()


# ---------------------------------------------------------------------------------------------
# Validation: each check appends (message, field) pairs to `errors`


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def has_type(value, expected, field, errors):
    """True when value is of the JSON type `expected`, else one "Invalid type" error."""
    if json_type(value) == expected or (expected == "number" and json_type(value) == "integer"):
        return True
    errors.append(("Invalid type. Expected: %s, given: %s." % (expected, json_type(value)), field))
    return False


def non_empty_string(value):
    return isinstance(value, str) and value != ""


def valid_email(value):
    return isinstance(value, str) and EMAIL.fullmatch(value) is not None


def check_string_map(value, field, errors):
    if has_type(value, "object", field, errors):
        for key, item in value.items():
            has_type(item, "string", "%s.%s" % (field, key), errors)


def check_name(address, field, errors):
    if "name" in address and address["name"] is not None:
        has_type(address["name"], "string", field + ".name", errors)


def check_recipients(recipients, field, errors, required):
    """A to/cc/bcc array; returns the valid addresses, lowercased, for the duplicate check."""
    missing = ("The to array is required for all personalization objects, and must have at least one email "
               "object with a valid email address.", field)
    if recipients is None or recipients == []:
        if required:
            errors.append(missing)
        return []
    if not has_type(recipients, "array", field, errors):
        return []
    found = []
    for index, recipient in enumerate(recipients):
        item = "%s.%d" % (field, index)
        if not has_type(recipient, "object", item, errors):
            continue
        if not valid_email(recipient.get("email")):
            errors.append(("Does not contain a valid address.", item + ".email"))
        else:
            found.append(recipient["email"].lower())
        check_name(recipient, item, errors)
    return found


def check_unique(addresses_by_kind, prefix, errors):
    seen = set()
    for kind, addresses in addresses_by_kind:
        for address in addresses:
            if address in seen:
                errors.append(("Each email address in the personalization block should be unique between to, cc, "
                               "and bcc. We found the first duplicate instance of [%s] in the %s.%s field."
                               % (address, prefix, kind), "%s.%s" % (prefix, kind)))
                return
            seen.add(address)


def check_personalization(personalization, prefix, errors):
    if not has_type(personalization, "object", prefix, errors):
        return
    addresses = [(kind, check_recipients(personalization.get(kind), "%s.%s" % (prefix, kind), errors, kind == "to"))
                 for kind in ("to", "cc", "bcc")]
    check_unique(addresses, prefix, errors)
    if "subject" in personalization:
        has_type(personalization["subject"], "string", prefix + ".subject", errors)
    if "dynamic_template_data" in personalization:
        has_type(personalization["dynamic_template_data"], "object", prefix + ".dynamic_template_data", errors)
    for name in ("custom_args", "headers", "substitutions"):
        if name in personalization:
            check_string_map(personalization[name], "%s.%s" % (prefix, name), errors)
    if "send_at" in personalization:
        has_type(personalization["send_at"], "integer", prefix + ".send_at", errors)


def check_personalizations(personalizations, errors):
    if not isinstance(personalizations, list) or not personalizations:
        errors.append(("The personalizations field is required and must have at least one personalization.",
                       "personalizations"))
        return
    if len(personalizations) > MAX_PERSONALIZATIONS:
        errors.append(("The personalizations field is limited to %d personalizations per API request. You may need "
                       "to batch your requests." % MAX_PERSONALIZATIONS, "personalizations"))
    for index, personalization in enumerate(personalizations):
        check_personalization(personalization, "personalizations.%d" % index, errors)


def check_from(sender, errors):
    if not isinstance(sender, dict) or "email" not in sender:
        errors.append(("The from object must be provided for every email send. It is an object that requires the "
                       "email parameter, but may also contain a name parameter.  e.g. {\"email\" : "
                       "\"example@example.com\"}  or {\"email\" : \"example@example.com\", \"name\" : \"Example "
                       "Recipient\"}.", "from.email"))
        return
    if not valid_email(sender["email"]):
        errors.append(("The from email does not contain a valid address.", "from.email"))
    check_name(sender, "from", errors)


def check_reply_to(reply_to, errors):
    if has_type(reply_to, "object", "reply_to", errors):
        if not valid_email(reply_to.get("email")):
            errors.append(("The reply_to email does not contain a valid address.", "reply_to.email"))
        check_name(reply_to, "reply_to", errors)


def check_template_id(template_id, errors):
    if not has_type(template_id, "string", "template_id", errors):
        return
    if not (DYNAMIC_TEMPLATE.fullmatch(template_id) or LEGACY_TEMPLATE.fullmatch(template_id)):
        errors.append(("The template_id must be a valid GUID, you provided '%s'." % template_id, "template_id"))


def check_subject(mail, errors):
    if "subject" in mail and not has_type(mail["subject"], "string", "subject", errors):
        return
    if non_empty_string(mail.get("subject")) or "template_id" in mail:
        return
    personalizations = mail.get("personalizations")
    if isinstance(personalizations, list) and personalizations and all(
            isinstance(p, dict) and non_empty_string(p.get("subject")) for p in personalizations):
        return
    errors.append(("The subject is required. You can get around this requirement if you use a template with a "
                   "subject defined or if every personalization has a subject defined.", "subject"))


def content_rank(content_type):
    """text/plain must come first, then text/html, then anything else."""
    return {"text/plain": 0, "text/html": 1}.get(content_type.lower(), 2)


def check_content_block(block, field, errors):
    """The block's type when it is valid, else None."""
    if not has_type(block, "object", field, errors):
        return None
    content_type, value = block.get("type"), block.get("value")
    valid_type = non_empty_string(content_type) and not UNSAFE_TYPE.search(content_type)
    if not non_empty_string(content_type):
        errors.append(("The content type is required and must be a string at least one character in length.",
                       field + ".type"))
    elif not valid_type:
        errors.append(("The content type cannot contain ';', or CRLF characters.", field + ".type"))
    if not non_empty_string(value):
        errors.append(("The content value must be a string at least one character in length.", field + ".value"))
    return content_type if valid_type else None


def check_content(mail, errors):
    content = mail.get("content")
    if content is None or content == []:
        if "template_id" not in mail:
            errors.append(("Unless a valid template_id is provided, the content parameter is required. There must be "
                           "at least one defined content block. We typically suggest both text/plain and text/html "
                           "blocks are included, but only one block is required.", "content"))
        return
    if not has_type(content, "array", "content", errors):
        return
    types = [check_content_block(block, "content.%d" % index, errors) for index, block in enumerate(content)]
    ranks = [content_rank(kind) for kind in types if kind is not None]
    if ranks != sorted(ranks):
        errors.append(("If present, text/plain and text/html may only be provided in this order: text/plain, "
                       "text/html, then any other content.", "content"))


def strict_base64(text):
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def check_attachment(attachment, field, errors):
    if not has_type(attachment, "object", field, errors):
        return
    content = attachment.get("content")
    if not non_empty_string(content):
        errors.append(("The attachment content is required.", field + ".content"))
    elif strict_base64(content) is None:
        errors.append(("The attachment content must be base64 encoded.", field + ".content"))
    if not non_empty_string(attachment.get("filename")):
        errors.append(("The attachment filename parameter is required.", field + ".filename"))
    kind = attachment.get("type")
    if kind is not None and (not isinstance(kind, str) or UNSAFE_TYPE.search(kind)):
        errors.append(("The attachment type cannot contain ';', or CRLF characters.", field + ".type"))
    disposition = attachment.get("disposition", "attachment")
    if disposition not in ("inline", "attachment"):
        errors.append(("The disposition of your attachment can be either \"inline\" or \"attachment\".",
                       field + ".disposition"))
    elif disposition == "inline" and not non_empty_string(attachment.get("content_id")):
        errors.append(("The content_id parameter is required if your attachment is inline.", field + ".content_id"))


def check_attachments(attachments, errors):
    if has_type(attachments, "array", "attachments", errors):
        for index, attachment in enumerate(attachments):
            check_attachment(attachment, "attachments.%d" % index, errors)


def validate(mail):
    """Every (message, field) problem of a mail/send body, in SendGrid's order of fields."""
    errors = []
    check_personalizations(mail.get("personalizations"), errors)
    check_from(mail.get("from"), errors)
    if "reply_to" in mail:
        check_reply_to(mail["reply_to"], errors)
    if "template_id" in mail:
        check_template_id(mail["template_id"], errors)
    check_subject(mail, errors)
    check_content(mail, errors)
    if "attachments" in mail:
        check_attachments(mail["attachments"], errors)
    if "custom_args" in mail:
        check_string_map(mail["custom_args"], "custom_args", errors)
    if "send_at" in mail:
        has_type(mail["send_at"], "integer", "send_at", errors)
    return errors


# ---------------------------------------------------------------------------------------------
# The API


def new_message_id():
    return "".join(secrets.choice(MESSAGE_ID_ALPHABET) for _ in range(22))


def decoded_attachments(mail):
    """The attachments of a stored message, decoded for the tests' convenience."""
    shown = []
    for attachment in mail.get("attachments", []):
        data = strict_base64(attachment["content"]) or b""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        shown.append({"filename": attachment["filename"], "type": attachment.get("type"),
                      "disposition": attachment.get("disposition", "attachment"), "size": len(data), "text": text})
    return shown


def mail_send(body, headers):
    """(status, headers, body bytes) of POST /v3/mail/send; stores an accepted message."""
    if headers.get("Authorization") != "Bearer " + API_KEY:
        return 401, [], encode(error_body(("The provided authorization grant is invalid, expired, or revoked", None)))
    if body is None:
        return 413, [], encode(error_body(("The JSON payload you have included in your request is too large. "
                                           "Please limit your payload to 30MB.", None)))
    try:
        mail = json.loads(body)
    except ValueError:
        mail = None
    if not isinstance(mail, dict):
        return 400, [], encode(error_body(("Bad Request", None)))
    errors = validate(mail)
    if errors:
        body = error_body(*errors)
        for error in body["errors"]:
            error["help"] = HELP
        return 400, [], encode(body)
    message_id = new_message_id()
    state["messages"].append({"messageId": message_id, "message": mail, "attachments": decoded_attachments(mail)})
    return 202, [("X-Message-Id", message_id)], b""


def handle_api(method, path, body, headers):
    if method == "POST" and path == "/v3/mail/send":
        return mail_send(body, headers)
    return 404, [], encode({"errors": [{"field": None, "message": "resource not found"}]})


INJECTED_MESSAGES = {400: "Bad Request", 401: "The provided authorization grant is invalid, expired, or revoked",
                     403: "access forbidden", 413: "The JSON payload you have included in your request is too large. "
                     "Please limit your payload to 30MB.", 429: "too many requests"}


def injected_reply(rule):
    """(status, headers, body bytes) a failure rule answers with."""
    status = int(rule["status"])
    headers = []
    if "retryAfter" in rule:
        headers.append(("Retry-After", str(rule["retryAfter"])))
    if status == 429:
        headers += [("X-RateLimit-Limit", "600"), ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Reset", str(int(time.time()) + int(rule.get("retryAfter", 1))))]
    if "body" in rule:
        return status, headers, rule["body"].encode()
    message = rule.get("message", INJECTED_MESSAGES.get(status, "internal error"))
    return status, headers, encode(error_body((message, rule.get("field"))))


# ---------------------------------------------------------------------------------------------
# Control


def control_state():
    return {"messages": state["messages"], "requests": state["requests"], "held": holds.count}


def control(command):
    if command.get("reset"):
        reset()
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
    return "Bearer ***" if authorization == "Bearer " + API_KEY else authorization


def logged_body(body):
    if body is None:
        return None
    text = body.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


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
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


    def read_exactly(self, length, kept):
        """Reads `length` bytes, appending them to `kept` while its total stays within MAX_BODY."""
        total = 0
        while total < length:
            chunk = self.rfile.read(min(1 << 20, length - total))
            if not chunk:
                break
            total += len(chunk)
            if kept["size"] + len(chunk) <= MAX_BODY:
                kept["data"].append(chunk)
            kept["size"] += len(chunk)

    def read_body(self):
        """(body bytes or None when over MAX_BODY, size); the whole body is consumed either way."""
        kept = {"data": [], "size": 0}
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass  # trailers
                    break
                self.read_exactly(size, kept)
                self.rfile.readline()
        else:
            self.read_exactly(int(self.headers.get("Content-Length") or 0), kept)
        body = b"".join(kept["data"]) if kept["size"] <= MAX_BODY else None
        return body, kept["size"]

    def handle_any(self):
        path = urlparse(self.path).path
        body, size = self.read_body()
        if path == "/_control":
            return self.control(body or b"")
        with lock:
            state["requests"].append({"method": self.command, "path": path,
                                      "authorization": logged_authorization(self.headers.get("Authorization")),
                                      "contentType": self.headers.get("Content-Type"), "size": size,
                                      "body": logged_body(body)})
            rule = matching_rule(path, self.command) or {}
        if rule.get("hold"):
            holds.wait()
        elif "hang" in rule:
            time.sleep(float(rule["hang"]))
        elif "status" in rule:
            status, headers, data = injected_reply(rule)
            return self.reply(status, data, headers)
        with lock:
            status, headers, data = handle_api(self.command, path, body, self.headers)
        if rule.get("lose"):
            return drop_connection(self)
        self.reply(status, data, headers)

    def control(self, body):
        with lock:
            if self.command == "GET":
                return self.reply(200, encode(control_state()))
            command = control_command(body)
            if command is None:
                return self.reply(400, encode({"ok": False, "error": "control body is not a JSON object"}))
            status, reply = control(command)
            return self.reply(status, encode(reply))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


if __name__ == "__main__":
    stay_stoppable()
    reset()
    serve_http(Handler)
