"""A fake Stripe API (PaymentIntents, Checkout Sessions, Refunds, Events) for the tests (Python 3 stdlib only).

Started by Tests/TestSupport/FakeServer.swift as FakeServer.start("stripe"): listens on 127.0.0.1, a
free port, printed as the first line of stdout. The base URL stands for https://api.stripe.com.

Wire format, as documented by Stripe (API version 2024-06-20):
  Auth: every /v1 path needs "Authorization: Bearer sk_test_artisan" (SECRET_KEY; HTTP Basic with the
       key as user name works too, as on Stripe), else 401 {"error":{"type":"invalid_request_error",
       "message":"Invalid API Key provided: sk_test_***"}} (the key is never echoed in full; without
       the header: "You did not provide an API key. ...").
  Requests: application/x-www-form-urlencoded (POST bodies, GET query strings) with bracketed keys,
       parsed into nested objects as Stripe does: metadata[booking_id]=7 -> {"metadata":{"booking_id":"7"}},
       line_items[0][price_data][unit_amount]=5000 -> {"line_items":[{"price_data":{"unit_amount":"5000"}}]},
       types[]=a&types[]=b -> {"types":["a","b"]}. An empty value means "unset": dropped under
       metadata, else 400 parameter_invalid_empty. A top-level parameter the endpoint does not have ->
       400 parameter_unknown (documented ones this fake does not model are accepted and ignored).
       expand[] works one level deep (latest_charge, payment_intent, charge).
  Responses: JSON (pretty-printed, like Stripe's), headers Request-Id and Stripe-Version. Errors:
       {"error":{"type","code"?,"message","param"?,"decline_code"?,"doc_url"?}} with 400 (bad
       parameters, wrong state), 401, 402 (card_error), 404 (resource_missing: unknown id in the path;
       an unknown id given as a parameter is a 400), 429.
  Idempotency (POST only, "Idempotency-Key" header; the response echoes it): the first response is
       stored with the request's parameters (the parsed form, field order irrelevant) unless it is a
       validation error (Stripe stores only requests that started executing). Same key, same endpoint,
       same parameters -> the stored status and body replayed byte for byte with
       "Idempotent-Replayed: true" and "Original-Request: <first request id>", nothing done again.
       Same key, other parameters -> 400 {"error":{"type":"idempotency_error","message":"Keys for
       idempotent requests can only be used with the same parameters they were first used with. ..."}};
       same key on another endpoint -> 400 idempotency_error too. Keys longer than 255 chars -> 400.
  Ids are a prefix and 24 random alphanumerics: pi_, ch_, re_, evt_, cs_test_ (client secrets
       "<pi id>_secret_<24>", request ids req_<14>).

  POST /v1/payment_intents  amount (integer, required; below the currency's minimum, e.g. 50 for eur ->
       400 amount_too_small param amount), currency (required), description, metadata[...],
       automatic_payment_methods[enabled], capture_method (automatic | automatic_async | manual)
       -> {"id","object":"payment_intent","amount","amount_capturable":0,"amount_received":0,
           "automatic_payment_methods","canceled_at","cancellation_reason","capture_method",
           "client_secret","created","currency","description","last_payment_error":null,
           "latest_charge":null,"livemode":false,"metadata","status":"requires_payment_method"}
  GET  /v1/payment_intents/{id}            404 resource_missing (param id) when unknown
  POST /v1/payment_intents/{id}/cancel     cancellation_reason?; -> status canceled, canceled_at; a
       succeeded or canceled intent -> 400 payment_intent_unexpected_state. Emits payment_intent.canceled.
  POST /v1/checkout/sessions  mode=payment (required; only payment is modelled), success_url
       (required), cancel_url, line_items[i][price_data][currency|unit_amount|product_data][name],
       line_items[i][quantity], metadata[...], payment_intent_data[metadata][...] (and [description]),
       client_reference_id, customer_email, expires_at (unix seconds, 30 min to 24 h after the fake's
       now, default now + 24 h, else 400 param expires_at)
       -> {"id":"cs_test_…","object":"checkout.session","amount_subtotal","amount_total",
           "cancel_url","client_reference_id","created","currency","customer_email","expires_at",
           "livemode":false,"metadata","mode","payment_intent":null,"payment_status":"unpaid",
           "status":"open","success_url","url":"<base URL>/pay/cs_test_…"} (url null once not open)
  GET  /v1/checkout/sessions/{id}
  POST /v1/checkout/sessions/{id}/expire   open only (else 400 checkout_session_unexpected_state)
       -> status expired; emits checkout.session.expired.
  POST /v1/refunds  payment_intent=pi_… (or charge=ch_…), amount? (default: what is left), reason?
       (duplicate | fraudulent | requested_by_customer), metadata[...]
       -> {"id":"re_…","object":"refund","amount","charge","created","currency","metadata",
           "payment_intent","reason","status":"succeeded"}; 400 charge_already_refunded when nothing
       is left to refund; 400 amount_too_large above what is left; 400 payment_intent_unexpected_state
       when the intent has no successful charge. Emits charge.refunded whose object is the charge
       {"id":"ch_…","object":"charge","amount","amount_captured","amount_refunded","captured",
        "created","currency","metadata" (the intent's),"paid","payment_intent","refunded","status"}
       (refunded: true once fully refunded).
  GET  /v1/events  limit (1..100, default 10), starting_after, ending_before (not both),
       created (integer) or created[gt|gte|lt|lte], types[] (or type, "*" wildcards)
       -> {"object":"list","url":"/v1/events","has_more","data":[…]} newest first (by created, then
       by creation order); starting_after gives the older ones, ending_before the newer ones.
  GET  /v1/events/{id}
  Event: {"id":"evt_…","object":"event","api_version":"2024-06-20","created","type","livemode":false,
       "pending_webhooks":1,"request":{"id","idempotency_key"},"data":{"object":{snapshot}}}; request
       holds the API request's id and idempotency key when an API call caused the event, nulls when
       a control action (the customer, the dashboard) did.
  Anything else -> 404 "Unrecognized request URL (GET: /v1/...)".

The fake's clock: real time unless control "now" pins it (it stays pinned until reset). created,
expires_at checks and event times all use it. (Sessions do not expire by themselves when it passes
their expires_at: a test expires them explicitly.)

Control protocol (test-only, never logged, never subject to failure rules, no auth):
  POST /_control  JSON object, every key optional, applied in this order:
    "reset": true                     back to the initial state (empty, clock unpinned)
    "now": 1767225600                 pin the clock (null: real time again)
    "clearFailures": true             forget every failure rule (the test's rules, not the state)
    "fail": [rule, ...]               append failure rules (below)
    "release": true                   lets every held request go on
    "pay": {"intent": "pi_…", "outcome": "succeeded" | "requires_capture" | "failed"}
        succeeded: status succeeded, amount_received = amount, latest_charge = a new charge;
            events payment_intent.succeeded then charge.succeeded.
        requires_capture: status requires_capture, amount_capturable = amount;
            event payment_intent.amount_capturable_updated.
        failed: status requires_payment_method, last_payment_error {"type":"card_error",
            "code":"card_declined","decline_code":"generic_decline","message"};
            event payment_intent.payment_failed. A later "pay" can still succeed.
    "completeCheckout": "cs_…"        the customer pays an open session: a succeeded PaymentIntent
                                      (amount_total, metadata from payment_intent_data[metadata],
                                      a charge); session status complete, payment_status paid,
                                      payment_intent set; events payment_intent.succeeded then
                                      checkout.session.completed
    "refund": "pi_…"                  a full refund made from the dashboard, as POST /v1/refunds
    -> 200 {"ok": true, "events": [ids of the events this call created]}; a misuse (unknown id,
       wrong state) -> 400 {"ok": false, "error": "...", "events": [...]} (earlier keys stay applied)
  GET /_control -> {"intents": {id: obj}, "sessions": {id: obj}, "charges": {id: obj}, "refunds": [obj],
                    "events": [event, oldest first], "held": n, "now": pinned clock or null,
                    "requests": [{"method","path","query","idempotencyKey","form","authorization"}]}
       query and form are parsed like the API parses them (nested); authorization is masked to
       "Bearer ***" when it is the right key, shown as sent otherwise.
  A failure rule is consulted before routing (the request is logged first); the first rule whose
  "path" (substring of the URL path, default any) and "method" (default any) match is used and its
  "times" (default 1; negative = forever) decremented:
    {"status": 429, "retryAfter": 1}  answer that status with a Stripe error body (429 rate_limit,
    {"status": 500}                   5xx api_error, 402 card_error with "code" (default
    {"status": 402, "code": "..."}    card_declined), others invalid_request_error; "message" and
                                      "code" override, "body": "..." replaces the body), Retry-After
                                      when given; nothing done, no idempotency key stored
    {"hang": 5}                       sleep 5 s, then answer normally (a client times out first)
    {"hold": true}                    hold the request until {"release": true} (at most 60 s), then
                                      answer normally; GET /_control counts the held ones in "held"
    {"lose": true}                    do the request for real (objects created, idempotency key
                                      stored), then close the connection without an answer
    {"malformed": true}               200 with a truncated JSON body, nothing done
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
from fnmatch import fnmatchcase
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, unquote, urlparse
from fake_process import Holds, control_command, drop_connection, first_matching_rule, serve_http, stay_stoppable

SECRET_KEY = "sk_test_artisan"
API_VERSION = "2024-06-20"
MAX_IDEMPOTENCY_KEY = 255
CHECKOUT_MIN_LIFETIME = 30 * 60
CHECKOUT_MAX_LIFETIME = 24 * 60 * 60
# Stripe's minimum charge amounts (smallest currency unit) for the currencies we might use.
MINIMUM_AMOUNTS = {"eur": (50, "€"), "usd": (50, "$"), "gbp": (30, "£"), "chf": (50, "CHF ")}

# Top-level parameters each endpoint documents; those this fake does not model are ignored.
EXPAND = {"expand"}
INTENT_PARAMS = EXPAND | {
    "amount", "currency", "description", "metadata", "automatic_payment_methods", "capture_method",
    "application_fee_amount", "confirm", "confirmation_method", "confirmation_token", "customer",
    "error_on_requires_action", "mandate", "mandate_data", "off_session", "on_behalf_of", "payment_method",
    "payment_method_configuration", "payment_method_data", "payment_method_options", "payment_method_types",
    "radar_options", "receipt_email", "return_url", "setup_future_usage", "shipping", "statement_descriptor",
    "statement_descriptor_suffix", "transfer_data", "transfer_group", "use_stripe_sdk"}
CANCEL_PARAMS = EXPAND | {"cancellation_reason"}
SESSION_PARAMS = EXPAND | {
    "mode", "line_items", "success_url", "cancel_url", "metadata", "payment_intent_data", "client_reference_id",
    "expires_at", "customer_email", "after_expiration", "allow_promotion_codes", "automatic_tax",
    "billing_address_collection", "consent_collection", "currency", "custom_fields", "custom_text", "customer",
    "customer_creation", "discounts", "invoice_creation", "locale", "payment_method_collection",
    "payment_method_configuration", "payment_method_options", "payment_method_types", "phone_number_collection",
    "redirect_on_completion", "return_url", "saved_payment_method_options", "setup_intent_data",
    "shipping_address_collection", "shipping_options", "submit_type", "subscription_data", "tax_id_collection",
    "ui_mode"}
REFUND_PARAMS = EXPAND | {
    "payment_intent", "charge", "amount", "reason", "metadata", "currency", "customer", "instructions_email",
    "origin", "refund_application_fee", "reverse_transfer"}
EVENT_LIST_PARAMS = EXPAND | {
    "limit", "starting_after", "ending_before", "created", "type", "types", "delivery_success"}

ID_ALPHABET = string.ascii_letters + string.digits

lock = threading.RLock()
state = {}
holds = Holds(lock)
base_url = {"value": ""}


def initial_state():
    return {
        "now": None,
        "intents": {},
        "charges": {},
        "sessions": {},   # internal: _line_items, _payment_intent_data
        "refunds": [],
        "events": [],     # oldest first; internal: _seq (creation order)
        "idempotency": {},  # key -> {"endpoint", "params", "status", "body", "request"}
        "fail": [],
        "requests": [],
    }


def reset():
    state.clear()
    state.update(initial_state())


def now():
    return state["now"] if state["now"] is not None else int(time.time())


def new_id(prefix, length=24):
    return prefix + "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


def public(obj):
    """An object as the API shows it: internal "_" fields removed."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}


def snapshot(obj):
    return json.loads(json.dumps(public(obj)))


def encode(body):
    return (json.dumps(body, indent=2) + "\n").encode()


# ---------------------------------------------------------------------------------------------
# Errors


class StripeError(Exception):
    """An API error. `stored`: whether an idempotency key keeps it (Stripe keeps only the results
    of requests that started executing, not those that failed validation)."""

    def __init__(self, status, kind, message, code=None, param=None, stored=True, headers=(), **extra):
        super().__init__(message)
        self.status, self.stored, self.headers = status, stored, list(headers)
        error = {"type": kind, "message": message}
        if code is not None:
            error["code"] = code
            error["doc_url"] = "https://stripe.com/docs/error-codes/" + code.replace("_", "-")
        if param is not None:
            error["param"] = param
        error.update(extra)
        self.body = {"error": error}


def invalid(message, param=None, code=None):
    """A validation error: 400, not kept by an idempotency key."""
    return StripeError(400, "invalid_request_error", message, code, param, stored=False)


def conflict(message, code, param=None, **extra):
    """The request is valid but the object's state forbids it: 400, kept by an idempotency key."""
    return StripeError(400, "invalid_request_error", message, code, param, **extra)


def missing(kind, ident, param, status=400):
    return StripeError(status, "invalid_request_error", "No such %s: '%s'" % (kind, ident), "resource_missing",
                       param, stored=False)


class ControlError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Form parsing (Stripe's bracketed keys) and parameter checks

KEY_PATTERN = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")


def parse_form(encoded):
    """'a[b][0][c]=1&t[]=x' -> {"a": {"b": [{"c": "1"}]}, "t": ["x"]}; values stay strings."""
    root = {}
    for name, value in parse_qsl(encoded, keep_blank_values=True):
        match = KEY_PATTERN.fullmatch(name)
        if match is None:
            raise invalid("Invalid parameter name: %s" % name, name)
        path = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        if value == "":
            if "metadata" in path:
                continue  # unsetting a metadata key: nothing to set on a new object
            raise invalid("You passed an empty string for '%s'. We assume empty values are an attempt to unset a "
                          "parameter; however '%s' cannot be unset. You should remove '%s' from your request or "
                          "supply a non-empty value." % (name, name, name), name, "parameter_invalid_empty")
        insert(root, path, value, name)
    return listify(root)


def insert(node, path, value, name):
    for depth, segment in enumerate(path):
        if segment == "":
            segment = str(len(node))  # "[]": the next element of an array
        if depth == len(path) - 1:
            if isinstance(node.get(segment), dict):
                raise invalid("Invalid value for %s: both a value and an object were given" % name, name)
            node[segment] = value
        else:
            child = node.setdefault(segment, {})
            if not isinstance(child, dict):
                raise invalid("Invalid value for %s: both a value and an object were given" % name, name)
            node = child


def listify(value):
    """Objects whose keys are all indices become arrays, in index order."""
    if not isinstance(value, dict):
        return value
    items = {key: listify(child) for key, child in value.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


def reject_unknown(params, allowed):
    for name in params:
        if name not in allowed:
            raise invalid("Received unknown parameter: %s" % name, name, "parameter_unknown")


def required(params, name):
    if name not in params:
        raise invalid("Missing required param: %s." % name, name, "parameter_missing")
    return params[name]


def integer(value, param, minimum=None, maximum=None):
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise invalid("Invalid integer: %s" % (value if isinstance(value, str) else "an object"), param,
                      "parameter_invalid_integer")
    number = int(value)
    if minimum is not None and number < minimum:
        raise invalid("This value must be greater than or equal to %d." % minimum, param, "parameter_invalid_integer")
    if maximum is not None and number > maximum:
        raise invalid("This value must be less than or equal to %d." % maximum, param, "parameter_invalid_integer")
    return number


def text(value, param):
    if not isinstance(value, str):
        raise invalid("Invalid string: an object or an array was given for %s" % param, param)
    return value


def optional_text(params, name):
    return text(params[name], name) if name in params else None


def boolean(value, param):
    if value not in ("true", "false"):
        raise invalid("Invalid boolean: %s" % value, param)
    return value == "true"


def choice(value, param, choices):
    if value not in choices:
        listed = ", ".join(choices[:-1]) + ", or " + choices[-1]
        raise invalid("Invalid %s: must be one of %s" % (param, listed), param)
    return value


def metadata(params, name="metadata"):
    value = params.get(name, {})
    if not isinstance(value, dict) or any(not isinstance(item, str) for item in value.values()):
        raise invalid("Invalid metadata: metadata must be a set of string keys and string values", name)
    return dict(value)


EXPANDABLE = {"latest_charge": "charges", "charge": "charges", "payment_intent": "intents"}


def expansions(params, fields):
    """The expand[] fields asked for, checked before anything is done (one level, among `fields`)."""
    value = params.get("expand", [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid("Invalid array", "expand")
    for field in value:
        if field not in fields:
            raise invalid("This property cannot be expanded (%s)." % field, "expand")
    return value


def expanded(obj, fields):
    """The public object with the given id fields replaced by the objects they name."""
    shown = public(obj)
    for field in fields:
        if shown[field] is not None:
            shown[field] = public(state[EXPANDABLE[field]][shown[field]])
    return shown


def minimum_amount(amount, currency):
    minimum, symbol = MINIMUM_AMOUNTS.get(currency, (1, ""))
    if amount < minimum:
        raise invalid("Amount must be at least %s%.2f %s" % (symbol, minimum / 100, currency), "amount",
                      "amount_too_small")


def money(amount, currency):
    return "%s%.2f" % (MINIMUM_AMOUNTS.get(currency, (0, ""))[1], amount / 100)


# ---------------------------------------------------------------------------------------------
# Events


def emit(kind, obj, origin):
    event = {"id": new_id("evt_"), "object": "event", "api_version": API_VERSION, "created": now(),
             "data": {"object": snapshot(obj)}, "livemode": False, "pending_webhooks": 1,
             "request": dict(origin), "type": kind, "_seq": len(state["events"])}
    state["events"].append(event)
    return event


def position(event):
    return (event["created"], event["_seq"])


def find_event(ident, param, status=400):
    for event in state["events"]:
        if event["id"] == ident:
            return event
    raise missing("event", ident, param, status)


def created_filter(value):
    """created=<int> or created[gt|gte|lt|lte]=<int> -> a predicate on the created time."""
    if isinstance(value, str):
        exact = integer(value, "created")
        return lambda created: created == exact
    if not isinstance(value, dict):
        raise invalid("Invalid created", "created")
    tests = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b}
    bounds = []
    for name, bound in value.items():
        if name not in tests:
            raise invalid("Received unknown parameter: created[%s]" % name, "created[%s]" % name, "parameter_unknown")
        bounds.append((tests[name], integer(bound, "created[%s]" % name)))
    return lambda created: all(test(created, bound) for test, bound in bounds)


def type_filter(params):
    patterns = []
    if "type" in params:
        patterns.append([text(params["type"], "type")])
    if "types" in params:
        types = params["types"]
        if not isinstance(types, list) or not all(isinstance(item, str) for item in types):
            raise invalid("Invalid array", "types")
        patterns.append(types)
    return lambda kind: all(any(fnmatchcase(kind, pattern) for pattern in group) for group in patterns)


def list_events(params, origin):
    reject_unknown(params, EVENT_LIST_PARAMS)
    limit = integer(params.get("limit", "10"), "limit", 1, 100)
    if "starting_after" in params and "ending_before" in params:
        raise invalid("You may only specify one of these parameters: ending_before, starting_after.",
                      "ending_before", "parameters_exclusive")
    in_time = created_filter(params["created"]) if "created" in params else (lambda created: True)
    of_type = type_filter(params)
    newest_first = sorted((event for event in state["events"] if in_time(event["created"]) and of_type(event["type"])),
                          key=position, reverse=True)
    if "starting_after" in params:
        cursor = position(find_event(text(params["starting_after"], "starting_after"), "starting_after"))
        candidates = [event for event in newest_first if position(event) < cursor]
        page = candidates[:limit]
    elif "ending_before" in params:
        cursor = position(find_event(text(params["ending_before"], "ending_before"), "ending_before"))
        candidates = [event for event in newest_first if position(event) > cursor]
        page = candidates[-limit:]  # the ones right before the cursor
    else:
        candidates = newest_first
        page = candidates[:limit]
    return 200, {"object": "list", "data": [public(event) for event in page], "has_more": len(candidates) > limit,
                 "url": "/v1/events"}


def retrieve_event(params, origin, ident):
    reject_unknown(params, EXPAND)
    expansions(params, [])
    return 200, public(find_event(ident, "id", 404))


# ---------------------------------------------------------------------------------------------
# PaymentIntents and charges


def find_intent(ident, param, status=400):
    if ident not in state["intents"]:
        raise missing("payment_intent", ident, param, status)
    return state["intents"][ident]


def new_intent(amount, currency, description=None, meta=None, capture_method="automatic", automatic=None):
    ident = new_id("pi_")
    intent = {"id": ident, "object": "payment_intent", "amount": amount, "amount_capturable": 0,
              "amount_received": 0, "automatic_payment_methods": automatic, "canceled_at": None,
              "cancellation_reason": None, "capture_method": capture_method,
              "client_secret": "%s_secret_%s" % (ident, new_id("")), "created": now(), "currency": currency,
              "description": description, "last_payment_error": None, "latest_charge": None, "livemode": False,
              "metadata": meta or {}, "status": "requires_payment_method"}
    state["intents"][ident] = intent
    return intent


def create_intent(params, origin):
    reject_unknown(params, INTENT_PARAMS)
    amount = integer(required(params, "amount"), "amount", minimum=1)
    currency = text(required(params, "currency"), "currency").lower()
    if not re.fullmatch(r"[a-z]{3}", currency):
        raise invalid("Invalid currency: %s." % currency, "currency")
    minimum_amount(amount, currency)
    capture = choice(params.get("capture_method", "automatic"), "capture_method",
                     ["automatic", "automatic_async", "manual"])
    automatic = None
    if "automatic_payment_methods" in params:
        settings = params["automatic_payment_methods"]
        if not isinstance(settings, dict) or "enabled" not in settings:
            raise invalid("Missing required param: automatic_payment_methods[enabled].",
                          "automatic_payment_methods[enabled]", "parameter_missing")
        automatic = {"enabled": boolean(settings["enabled"], "automatic_payment_methods[enabled]")}
    description = optional_text(params, "description")
    meta = metadata(params)
    expand = expansions(params, ["latest_charge"])
    return 200, expanded(new_intent(amount, currency, description, meta, capture, automatic), expand)


def retrieve_intent(params, origin, ident):
    reject_unknown(params, EXPAND)
    expand = expansions(params, ["latest_charge"])
    return 200, expanded(find_intent(ident, "id", 404), expand)


def cancel_intent(params, origin, ident):
    reject_unknown(params, CANCEL_PARAMS)
    reason = None
    if "cancellation_reason" in params:
        reason = choice(params["cancellation_reason"], "cancellation_reason",
                        ["duplicate", "fraudulent", "requested_by_customer", "abandoned"])
    expand = expansions(params, ["latest_charge"])
    intent = find_intent(ident, "id", 404)
    if intent["status"] in ("succeeded", "canceled"):
        raise conflict("You cannot cancel this PaymentIntent because it has a status of %s. Only a PaymentIntent "
                       "with one of the following statuses may be canceled: requires_payment_method, "
                       "requires_capture, requires_confirmation, requires_action, processing." % intent["status"],
                       "payment_intent_unexpected_state", payment_intent=public(intent))
    intent.update(status="canceled", canceled_at=now(), cancellation_reason=reason, amount_capturable=0)
    emit("payment_intent.canceled", intent, origin)
    return 200, expanded(intent, expand)


def new_charge(intent):
    charge = {"id": new_id("ch_"), "object": "charge", "amount": intent["amount"],
              "amount_captured": intent["amount"], "amount_refunded": 0, "captured": True, "created": now(),
              "currency": intent["currency"], "description": intent["description"], "livemode": False,
              "metadata": dict(intent["metadata"]), "paid": True, "payment_intent": intent["id"],
              "refunded": False, "status": "succeeded"}
    state["charges"][charge["id"]] = charge
    return charge


def succeed(intent, origin):
    charge = new_charge(intent)
    intent.update(status="succeeded", amount_received=intent["amount"], amount_capturable=0,
                  latest_charge=charge["id"], last_payment_error=None)
    emit("payment_intent.succeeded", intent, origin)
    return charge


def pay(intent_id, outcome):
    """The customer's side of a PaymentIntent (control "pay")."""
    intent = state["intents"].get(intent_id)
    if intent is None:
        raise ControlError("pay: no such payment_intent: %r" % intent_id)
    if intent["status"] in ("succeeded", "canceled"):
        raise ControlError("pay: the payment_intent %s is %s" % (intent_id, intent["status"]))
    origin = {"id": None, "idempotency_key": None}
    if outcome == "succeeded":
        charge = succeed(intent, origin)
        emit("charge.succeeded", charge, origin)
    elif outcome == "requires_capture":
        intent.update(status="requires_capture", amount_capturable=intent["amount"], last_payment_error=None)
        emit("payment_intent.amount_capturable_updated", intent, origin)
    elif outcome == "failed":
        intent.update(status="requires_payment_method", last_payment_error={
            "type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
            "message": "Your card was declined.",
            "doc_url": "https://stripe.com/docs/error-codes/card-declined"})
        emit("payment_intent.payment_failed", intent, origin)
    else:
        raise ControlError("pay: unknown outcome %r" % outcome)


# ---------------------------------------------------------------------------------------------
# Checkout Sessions


def find_session(ident, param, status=400):
    if ident not in state["sessions"]:
        raise missing("checkout.session", ident, param, status)
    return state["sessions"][ident]


def line_items(params):
    """(items, amount_total, currency) from line_items[i][price_data|quantity]."""
    items = params.get("line_items")
    if items is None:
        raise invalid("You must provide `line_items` when in `payment` mode.", "line_items", "parameter_missing")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise invalid("Invalid array", "line_items")
    total, currencies = 0, set()
    for index, item in enumerate(items):
        name = "line_items[%d]" % index
        if "price" in item:
            raise missing("price", item["price"], name + "[price]")  # this fake has no Price objects
        data = item.get("price_data")
        if not isinstance(data, dict):
            raise invalid("You must specify either `price` or `price_data` for each line item.", name,
                          "parameter_missing")
        currency = text(required_in(data, "currency", name + "[price_data]"), name + "[price_data][currency]").lower()
        unit = integer(required_in(data, "unit_amount", name + "[price_data]"), name + "[price_data][unit_amount]", 0)
        product = required_in(data, "product_data", name + "[price_data]")
        if not isinstance(product, dict):
            raise invalid("Invalid object", name + "[price_data][product_data]")
        text(required_in(product, "name", name + "[price_data][product_data]"), name + "[price_data][product_data][name]")
        quantity = integer(required_in(item, "quantity", name), name + "[quantity]", 1)
        currencies.add(currency)
        total += unit * quantity
    if len(currencies) > 1:
        raise invalid("All line items must have the same currency.", "line_items")
    return items, total, currencies.pop() if currencies else None


def required_in(container, key, prefix):
    if key not in container:
        name = "%s[%s]" % (prefix, key)
        raise invalid("Missing required param: %s." % name, name, "parameter_missing")
    return container[key]


def session_expiry(params):
    if "expires_at" not in params:
        return now() + CHECKOUT_MAX_LIFETIME
    expires_at = integer(params["expires_at"], "expires_at")
    if not CHECKOUT_MIN_LIFETIME <= expires_at - now() <= CHECKOUT_MAX_LIFETIME:
        raise invalid("The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session "
                      "creation.", "expires_at", "parameter_invalid_integer")
    return expires_at


def create_session(params, origin):
    reject_unknown(params, SESSION_PARAMS)
    mode = choice(required(params, "mode"), "mode", ["payment", "setup", "subscription"])
    if mode != "payment":
        raise invalid("This fake models mode=payment only.", "mode")
    success_url = text(required(params, "success_url"), "success_url")
    items, total, currency = line_items(params)
    intent_data = params.get("payment_intent_data", {})
    if not isinstance(intent_data, dict):
        raise invalid("Invalid object", "payment_intent_data")
    intent_meta = metadata(intent_data, "metadata")
    intent_description = optional_text(intent_data, "description")
    expand = expansions(params, ["payment_intent"])
    session = {"id": new_id("cs_test_"), "object": "checkout.session", "amount_subtotal": total, "amount_total": total,
               "cancel_url": optional_text(params, "cancel_url"),
               "client_reference_id": optional_text(params, "client_reference_id"), "created": now(),
               "currency": currency, "customer_email": optional_text(params, "customer_email"),
               "expires_at": session_expiry(params), "livemode": False, "metadata": metadata(params), "mode": mode,
               "payment_intent": None, "payment_status": "unpaid", "status": "open", "success_url": success_url,
               "url": None, "_line_items": items,
               "_payment_intent_data": {"metadata": intent_meta, "description": intent_description}}
    session["url"] = "%s/pay/%s" % (base_url["value"], session["id"])
    state["sessions"][session["id"]] = session
    return 200, expanded(session, expand)


def retrieve_session(params, origin, ident):
    reject_unknown(params, EXPAND)
    expand = expansions(params, ["payment_intent"])
    return 200, expanded(find_session(ident, "id", 404), expand)


def expire_session(params, origin, ident):
    reject_unknown(params, EXPAND)
    expand = expansions(params, ["payment_intent"])
    session = find_session(ident, "id", 404)
    if session["status"] != "open":
        raise conflict("Only Checkout Sessions with a status in [\"open\"] can be expired (this one is %s)."
                       % session["status"], "checkout_session_unexpected_state")
    session.update(status="expired", url=None)
    emit("checkout.session.expired", session, origin)
    return 200, expanded(session, expand)


def complete_checkout(session_id):
    """The customer pays a Checkout Session (control "completeCheckout")."""
    session = state["sessions"].get(session_id)
    if session is None:
        raise ControlError("completeCheckout: no such checkout.session: %r" % session_id)
    if session["status"] != "open":
        raise ControlError("completeCheckout: the checkout.session %s is %s" % (session_id, session["status"]))
    data = session["_payment_intent_data"]
    intent = new_intent(session["amount_total"], session["currency"], data["description"], dict(data["metadata"]))
    origin = {"id": None, "idempotency_key": None}
    succeed(intent, origin)
    session.update(status="complete", payment_status="paid", payment_intent=intent["id"], url=None)
    emit("checkout.session.completed", session, origin)


# ---------------------------------------------------------------------------------------------
# Refunds


def refundable_charge(params):
    if "payment_intent" in params:
        intent = find_intent(text(params["payment_intent"], "payment_intent"), "payment_intent")
        charge = state["charges"].get(intent["latest_charge"]) if intent["status"] == "succeeded" else None
        if charge is None:
            raise conflict("This PaymentIntent (%s) does not have a successful charge to refund." % intent["id"],
                           "payment_intent_unexpected_state", "payment_intent")
        return charge
    if "charge" in params:
        ident = text(params["charge"], "charge")
        if ident not in state["charges"]:
            raise missing("charge", ident, "charge")
        return state["charges"][ident]
    raise invalid("One of the following params should be provided for this request: payment_intent or charge.",
                  "payment_intent", "parameter_missing")


def create_refund(params, origin):
    reject_unknown(params, REFUND_PARAMS)
    amount = integer(params["amount"], "amount", minimum=1) if "amount" in params else None
    reason = None
    if "reason" in params:
        reason = choice(params["reason"], "reason", ["duplicate", "fraudulent", "requested_by_customer"])
    meta = metadata(params)
    expand = expansions(params, ["charge", "payment_intent"])
    charge = refundable_charge(params)
    left = charge["amount"] - charge["amount_refunded"]
    if left == 0:
        raise conflict("Charge %s has already been refunded." % charge["id"], "charge_already_refunded")
    if amount is None:
        amount = left
    if amount > left:
        raise conflict("Refund amount (%s) is greater than unrefunded amount on charge (%s)"
                       % (money(amount, charge["currency"]), money(left, charge["currency"])), "amount_too_large",
                       "amount")
    refund = {"id": new_id("re_"), "object": "refund", "amount": amount, "charge": charge["id"], "created": now(),
              "currency": charge["currency"], "metadata": meta, "payment_intent": charge["payment_intent"],
              "reason": reason, "status": "succeeded"}
    state["refunds"].append(refund)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    emit("charge.refunded", charge, origin)
    return 200, expanded(refund, expand)


# ---------------------------------------------------------------------------------------------
# The API: auth, idempotency, routing

ROUTES = [
    ("POST", re.compile(r"/v1/payment_intents"), create_intent),
    ("GET", re.compile(r"/v1/payment_intents/([^/]+)"), retrieve_intent),
    ("POST", re.compile(r"/v1/payment_intents/([^/]+)/cancel"), cancel_intent),
    ("POST", re.compile(r"/v1/checkout/sessions"), create_session),
    ("GET", re.compile(r"/v1/checkout/sessions/([^/]+)"), retrieve_session),
    ("POST", re.compile(r"/v1/checkout/sessions/([^/]+)/expire"), expire_session),
    ("POST", re.compile(r"/v1/refunds"), create_refund),
    ("GET", re.compile(r"/v1/events"), list_events),
    ("GET", re.compile(r"/v1/events/([^/]+)"), retrieve_event),
]


def api_key(authorization):
    """The secret key of a Bearer or Basic (key as user name) Authorization header, else None."""
    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(credentials.strip(), validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None


def authenticate(authorization):
    challenge = [("WWW-Authenticate", 'Basic realm="Stripe"')]
    if not authorization:
        raise StripeError(401, "invalid_request_error",
                          "You did not provide an API key. You need to provide your API key in the Authorization "
                          "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                          "https://stripe.com/docs/api#authentication for details, or we can help at "
                          "https://support.stripe.com/.", stored=False, headers=challenge)
    key = api_key(authorization)
    if key != SECRET_KEY:
        given = key if key is not None else authorization
        shown = given[:min(8, len(given) // 2)] + "***"  # like Stripe, never the whole key
        raise StripeError(401, "invalid_request_error", "Invalid API Key provided: " + shown, stored=False,
                          headers=challenge)


def logged_authorization(authorization):
    if authorization and api_key(authorization) == SECRET_KEY:
        return authorization.partition(" ")[0] + " ***"
    return authorization


def unrecognized(method, path):
    return StripeError(404, "invalid_request_error",
                       "Unrecognized request URL (%s: %s). Please see https://stripe.com/docs or we can help at "
                       "https://support.stripe.com/." % (method, path), stored=False)


def dispatch(method, path, params, origin):
    for route_method, pattern, handler in ROUTES:
        match = pattern.fullmatch(path)
        if match and route_method == method:
            return handler(params, origin, *[unquote(group) for group in match.groups()])
    raise unrecognized(method, path)


def canonical(params):
    return json.dumps(params, sort_keys=True)


def replay(key, endpoint, params):
    """The stored response for an idempotency key, None when the key is new."""
    stored = state["idempotency"].get(key)
    if stored is None:
        return None
    if stored["endpoint"] != endpoint:
        raise StripeError(400, "idempotency_error",
                          "Keys for idempotent requests can only be used for the same endpoint they were first used "
                          "for ('%s' vs '%s'). Try using a key other than '%s' if you meant to execute a different "
                          "request." % (stored["endpoint"], endpoint, key), stored=False)
    if stored["params"] != canonical(params):
        raise StripeError(400, "idempotency_error",
                          "Keys for idempotent requests can only be used with the same parameters they were first "
                          "used with. Try using a key other than '%s' if you meant to execute a different request."
                          % key, stored=False)
    return stored


def handle_api(method, path, query_text, body_text, headers):
    """(status, headers, body bytes) for one API request."""
    request_id = new_id("req_", 14)
    reply_headers = [("Request-Id", request_id), ("Stripe-Version", API_VERSION)]
    key = (headers.get("Idempotency-Key") or None) if method == "POST" else None  # GETs ignore it, as on Stripe
    if key is not None:
        reply_headers.append(("Idempotency-Key", key))
    params = None
    try:
        if not path.startswith("/v1/"):
            raise unrecognized(method, path)
        authenticate(headers.get("Authorization"))
        params = parse_form(body_text if method == "POST" else query_text)
        if key is not None:
            if len(key) > MAX_IDEMPOTENCY_KEY:
                raise invalid("The Idempotency-Key header can be at most %d characters long (this one has %d)."
                              % (MAX_IDEMPOTENCY_KEY, len(key)))
            stored = replay(key, method + " " + path, params)
            if stored is not None:
                return stored["status"], reply_headers + [("Idempotent-Replayed", "true"),
                                                          ("Original-Request", stored["request"])], stored["body"]
        status, body = dispatch(method, path, params, {"id": request_id, "idempotency_key": key})
        data, keep = encode(body), True
    except StripeError as error:
        status, data, keep = error.status, encode(error.body), error.stored
        reply_headers += error.headers
    if key is not None and keep:
        state["idempotency"][key] = {"endpoint": method + " " + path, "params": canonical(params), "status": status,
                                     "body": data, "request": request_id}
    return status, reply_headers, data


def injected_error(rule):
    """The Stripe error body a failure rule answers with."""
    status = int(rule["status"])
    if status == 402:
        code = rule.get("code", "card_declined")
        extra = {"decline_code": rule.get("declineCode", "generic_decline")} if code == "card_declined" else {}
        error = StripeError(status, "card_error", rule.get("message", "Your card was declined."), code, **extra)
    elif status == 429:
        error = StripeError(status, "invalid_request_error", rule.get("message", "Request rate limit exceeded. Learn "
                            "more about rate limits here https://stripe.com/docs/rate-limits."), rule.get("code", "rate_limit"))
    elif status >= 500:
        error = StripeError(status, "api_error", rule.get("message", "An unknown error occurred"), rule.get("code"))
    else:
        error = StripeError(status, "invalid_request_error", rule.get("message", "Injected failure"), rule.get("code"))
    return error.body


# ---------------------------------------------------------------------------------------------
# Control


def control_state():
    return {"intents": {ident: public(obj) for ident, obj in state["intents"].items()},
            "sessions": {ident: public(obj) for ident, obj in state["sessions"].items()},
            "charges": {ident: public(obj) for ident, obj in state["charges"].items()},
            "refunds": [public(refund) for refund in state["refunds"]],
            "events": [public(event) for event in state["events"]],
            "requests": state["requests"], "held": holds.count, "now": state["now"]}


def control(command):
    """Applies a control command; (status, body)."""
    if command.get("reset"):
        reset()
    first_event = len(state["events"])
    try:
        if "now" in command:
            state["now"] = None if command["now"] is None else int(command["now"])
        if command.get("clearFailures"):
            state["fail"] = []
        if any(rule.get("hold") for rule in command.get("fail", [])):
            holds.rearm()
        state["fail"].extend(dict(rule) for rule in command.get("fail", []))
        if command.get("release"):
            holds.release()
        if "pay" in command:
            pay(command["pay"]["intent"], command["pay"]["outcome"])
        if "completeCheckout" in command:
            complete_checkout(command["completeCheckout"])
        if "refund" in command:
            dashboard_refund(command["refund"])
    except (ControlError, KeyError, TypeError, ValueError, AttributeError) as error:
        return 400, {"ok": False, "error": str(error), "events": [e["id"] for e in state["events"][first_event:]]}
    return 200, {"ok": True, "events": [event["id"] for event in state["events"][first_event:]]}


def dashboard_refund(intent_id):
    try:
        create_refund({"payment_intent": intent_id}, {"id": None, "idempotency_key": None})
    except StripeError as error:
        raise ControlError("refund: %s" % error.body["error"]["message"])


def matching_rule(path, method):
    return first_matching_rule(state["fail"], path, method)


def leniently_parsed(encoded):
    """A form or query string for the request log: parsed when it parses, as sent otherwise."""
    try:
        return parse_form(encoded)
    except StripeError:
        return encoded


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
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


    def handle_any(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body_text = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if url.path == "/_control":
            return self.control(body_text)
        with lock:
            state["requests"].append({
                "method": self.command, "path": url.path, "query": leniently_parsed(url.query),
                "idempotencyKey": self.headers.get("Idempotency-Key"),
                "form": leniently_parsed(body_text) if self.command == "POST" else None,
                "authorization": logged_authorization(self.headers.get("Authorization"))})
            rule = matching_rule(url.path, self.command) or {}
        if rule.get("hold"):
            holds.wait()
        elif "hang" in rule:
            time.sleep(float(rule["hang"]))
        elif rule.get("malformed"):
            return self.reply(200, b'{"id": "pi_trunc')
        elif "status" in rule:
            headers = [("Request-Id", new_id("req_", 14)), ("Stripe-Version", API_VERSION)]
            if "retryAfter" in rule:
                headers.append(("Retry-After", str(rule["retryAfter"])))
            data = rule["body"].encode() if "body" in rule else encode(injected_error(rule))
            return self.reply(int(rule["status"]), data, headers)
        with lock:
            status, headers, data = handle_api(self.command, url.path, url.query, body_text, self.headers)
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
            status, body = control(command)
            return self.reply(status, encode(body))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


if __name__ == "__main__":
    stay_stoppable()
    reset()
    serve_http(Handler, on_port=lambda port: base_url.update(value="http://127.0.0.1:%d" % port))
