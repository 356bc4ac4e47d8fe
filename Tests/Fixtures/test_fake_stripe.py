"""A quick self-check of fake_stripe.py (and of stripe_signature.py when a Python with the stripe
package is at hand: $STRIPE_PYTHON, else .build/test-venv/bin/python).

Run from this directory: python3 -m unittest test_fake_stripe
"""
import base64
import functools
import hashlib
import hmac
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "sk_test_artisan"
NOW = 1767225600  # 2026-01-01T00:00:00Z


class FakeStripeTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.errors = tempfile.TemporaryFile()
        cls.process = subprocess.Popen([sys.executable, "-u", os.path.join(HERE, "fake_stripe.py")],
                                       stdout=subprocess.PIPE, stderr=cls.errors, text=True)
        port = cls.process.stdout.readline().strip()
        if not port.isdigit():
            cls.process.kill()
            status = cls.process.wait(10)
            cls.errors.seek(0)
            raise RuntimeError("fake_stripe.py did not start (exit status %s): %s"
                               % (status, cls.errors.read().decode(errors="replace")))
        cls.base = "http://127.0.0.1:" + port

    @classmethod
    def tearDownClass(cls):
        cls.process.terminate()
        cls.process.wait(10)
        cls.process.stdout.close()
        cls.errors.close()

    def setUp(self):
        self.control({"reset": True, "now": NOW})

    # -- helpers ----------------------------------------------------------------------------------

    def call(self, method, path, form=None, key=SECRET_KEY, idempotency=None, authorization=None):
        """(status, headers, raw body) of an API request; form is a list of pairs or a dict."""
        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if authorization is not None:
            request.add_header("Authorization", authorization)
        elif key is not None:
            request.add_header("Authorization", "Bearer " + key)
        if idempotency is not None:
            request.add_header("Idempotency-Key", idempotency)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def api(self, method, path, form=None, expect=200, **options):
        status, headers, raw = self.call(method, path, form, **options)
        self.assertEqual(status, expect, raw)
        return json.loads(raw)

    def error(self, method, path, form=None, expect=400, **options):
        return self.api(method, path, form, expect, **options)["error"]

    def control(self, command, expect=200):
        request = urllib.request.Request(self.base + "/_control", data=json.dumps(command).encode(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, body = response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            status, body = error.code, json.loads(error.read())
        self.assertEqual(status, expect, body)
        return body

    def state(self):
        with urllib.request.urlopen(self.base + "/_control", timeout=10) as response:
            return json.loads(response.read())

    def intent(self, amount=5000, **extra):
        form = {"amount": str(amount), "currency": "eur", "metadata[booking_id]": "42"}
        form.update(extra)
        return self.api("POST", "/v1/payment_intents", form)

    def paid_intent(self):
        intent = self.intent()
        self.control({"pay": {"intent": intent["id"], "outcome": "succeeded"}})
        return intent

    def session_form(self, **extra):
        form = [("mode", "payment"), ("success_url", "https://example.com/ok"), ("cancel_url", "https://example.com/no"),
                ("line_items[0][price_data][currency]", "eur"), ("line_items[0][price_data][unit_amount]", "3000"),
                ("line_items[0][price_data][product_data][name]", "Acompte"), ("line_items[0][quantity]", "2"),
                ("metadata[booking_id]", "42"), ("payment_intent_data[metadata][booking_id]", "42"),
                ("client_reference_id", "booking-42")]
        return form + list(extra.items())

    def event_types(self, query=""):
        return [event["type"] for event in self.api("GET", "/v1/events" + query)["data"]]


class PaymentIntentTests(FakeStripeTestCase):
    def test_create_parses_bracketed_keys_and_logs_the_request(self):
        intent = self.api("POST", "/v1/payment_intents", [
            ("amount", "5000"), ("currency", "EUR"), ("description", "Acompte"), ("metadata[booking_id]", "42"),
            ("metadata[artisan]", "jean"), ("automatic_payment_methods[enabled]", "true")], idempotency="k-1")
        self.assertRegex(intent["id"], r"^pi_[A-Za-z0-9]{24}$")
        self.assertTrue(intent["client_secret"].startswith(intent["id"] + "_secret_"))
        self.assertEqual((intent["object"], intent["amount"], intent["amount_received"], intent["currency"]),
                         ("payment_intent", 5000, 0, "eur"))
        self.assertEqual((intent["status"], intent["latest_charge"], intent["livemode"], intent["capture_method"]),
                         ("requires_payment_method", None, False, "automatic"))
        self.assertEqual(intent["metadata"], {"booking_id": "42", "artisan": "jean"})
        self.assertEqual(intent["automatic_payment_methods"], {"enabled": True})
        self.assertEqual(intent["created"], NOW)
        logged = self.state()["requests"][-1]
        self.assertEqual((logged["method"], logged["path"], logged["idempotencyKey"], logged["authorization"]),
                         ("POST", "/v1/payment_intents", "k-1", "Bearer ***"))
        self.assertEqual(logged["form"]["metadata"], {"booking_id": "42", "artisan": "jean"})
        self.assertEqual(self.api("GET", "/v1/payment_intents/" + intent["id"]), intent)

    def test_parameter_errors(self):
        self.assertEqual(self.error("POST", "/v1/payment_intents", {"currency": "eur"})["code"], "parameter_missing")
        error = self.error("POST", "/v1/payment_intents", {"amount": "12.5", "currency": "eur"})
        self.assertEqual((error["code"], error["param"]), ("parameter_invalid_integer", "amount"))
        error = self.error("POST", "/v1/payment_intents", {"amount": "5000", "currency": "eur", "amont": "1"})
        self.assertEqual((error["code"], error["param"], error["type"]), ("parameter_unknown", "amont", "invalid_request_error"))
        error = self.error("POST", "/v1/payment_intents", {"amount": "5000", "currency": "eur", "description": ""})
        self.assertEqual(error["code"], "parameter_invalid_empty")
        error = self.error("POST", "/v1/payment_intents", {"amount": "5000", "currency": "eur", "capture_method": "later"})
        self.assertEqual(error["param"], "capture_method")
        self.assertEqual(self.state()["intents"], {})

    def test_amount_too_small(self):
        error = self.error("POST", "/v1/payment_intents", {"amount": "49", "currency": "eur"})
        self.assertEqual((error["code"], error["param"]), ("amount_too_small", "amount"))
        self.assertIn("€0.50", error["message"])
        self.assertEqual(self.intent(50)["amount"], 50)

    def test_unknown_intent_is_404(self):
        error = self.error("GET", "/v1/payment_intents/pi_nope", expect=404)
        self.assertEqual((error["code"], error["param"]), ("resource_missing", "id"))
        self.assertEqual(error["message"], "No such payment_intent: 'pi_nope'")

    def test_cancel(self):
        intent = self.intent()
        canceled = self.api("POST", "/v1/payment_intents/%s/cancel" % intent["id"], {"cancellation_reason": "abandoned"},
                            idempotency="cancel-1")
        self.assertEqual((canceled["status"], canceled["canceled_at"], canceled["cancellation_reason"]),
                         ("canceled", NOW, "abandoned"))
        [event] = self.api("GET", "/v1/events")["data"]
        self.assertEqual((event["type"], event["data"]["object"]["status"]), ("payment_intent.canceled", "canceled"))
        self.assertEqual(event["request"]["idempotency_key"], "cancel-1")
        self.assertTrue(event["request"]["id"].startswith("req_"))
        error = self.error("POST", "/v1/payment_intents/%s/cancel" % intent["id"])
        self.assertEqual(error["code"], "payment_intent_unexpected_state")
        error = self.error("POST", "/v1/payment_intents/%s/cancel" % self.paid_intent()["id"])
        self.assertEqual(error["code"], "payment_intent_unexpected_state")
        self.assertIn("status of succeeded", error["message"])

    def test_pay_outcomes(self):
        intent = self.intent()
        failed = self.control({"pay": {"intent": intent["id"], "outcome": "failed"}})
        self.assertEqual(len(failed["events"]), 1)
        stored = self.api("GET", "/v1/payment_intents/" + intent["id"])
        self.assertEqual((stored["status"], stored["last_payment_error"]["code"]), ("requires_payment_method", "card_declined"))
        paid = self.control({"pay": {"intent": intent["id"], "outcome": "succeeded"}})
        self.assertEqual(len(paid["events"]), 2)
        stored = self.api("GET", "/v1/payment_intents/%s?expand[]=latest_charge" % intent["id"])
        self.assertEqual((stored["status"], stored["amount_received"], stored["last_payment_error"]), ("succeeded", 5000, None))
        self.assertRegex(stored["latest_charge"]["id"], r"^ch_[A-Za-z0-9]{24}$")
        self.assertEqual(self.event_types(), ["charge.succeeded", "payment_intent.succeeded", "payment_intent.payment_failed"])
        # Each event holds the object as it was then.
        self.assertEqual(self.api("GET", "/v1/events")["data"][2]["data"]["object"]["status"], "requires_payment_method")
        manual = self.intent(capture_method="manual")
        self.control({"pay": {"intent": manual["id"], "outcome": "requires_capture"}})
        stored = self.api("GET", "/v1/payment_intents/" + manual["id"])
        self.assertEqual((stored["status"], stored["amount_capturable"]), ("requires_capture", 5000))
        self.assertEqual(self.event_types("?limit=1"), ["payment_intent.amount_capturable_updated"])

    def test_control_misuse(self):
        body = self.control({"pay": {"intent": "pi_nope", "outcome": "succeeded"}}, expect=400)
        self.assertFalse(body["ok"])
        self.assertIn("pi_nope", body["error"])


class IdempotencyTests(FakeStripeTestCase):
    def test_same_key_same_parameters_replays_the_response(self):
        form = [("amount", "5000"), ("currency", "eur"), ("metadata[booking_id]", "42")]
        status, headers, first = self.call("POST", "/v1/payment_intents", form, idempotency="key-1")
        self.assertEqual((status, headers["Idempotent-Replayed"], headers["Idempotency-Key"]), (200, None, "key-1"))
        status, headers, second = self.call("POST", "/v1/payment_intents", list(reversed(form)), idempotency="key-1")
        self.assertEqual((status, headers["Idempotent-Replayed"]), (200, "true"))
        self.assertEqual(second, first)
        self.assertEqual(len(self.state()["intents"]), 1)

    def test_same_key_other_parameters_is_refused(self):
        self.api("POST", "/v1/payment_intents", {"amount": "5000", "currency": "eur"}, idempotency="key-2")
        error = self.error("POST", "/v1/payment_intents", {"amount": "6000", "currency": "eur"}, idempotency="key-2")
        self.assertEqual(error["type"], "idempotency_error")
        self.assertTrue(error["message"].startswith("Keys for idempotent requests can only be used with the same "
                                                    "parameters they were first used with"))
        error = self.error("POST", "/v1/refunds", {"payment_intent": "pi_x"}, idempotency="key-2")
        self.assertEqual(error["type"], "idempotency_error")
        self.assertEqual(len(self.state()["intents"]), 1)

    def test_validation_errors_are_not_kept_and_long_keys_are_refused(self):
        self.error("POST", "/v1/payment_intents", {"amount": "10", "currency": "eur"}, idempotency="key-3")
        self.api("POST", "/v1/payment_intents", {"amount": "5000", "currency": "eur"}, idempotency="key-3")
        self.error("POST", "/v1/payment_intents", {"amount": "5000", "currency": "eur"}, idempotency="k" * 256)
        self.api("POST", "/v1/payment_intents", {"amount": "5000", "currency": "eur"}, idempotency="k" * 255)


class AuthTests(FakeStripeTestCase):
    def test_wrong_or_missing_key(self):
        error = self.error("GET", "/v1/events", key="sk_test_wrongwrongwrong", expect=401)
        self.assertEqual(error["type"], "invalid_request_error")
        self.assertTrue(error["message"].startswith("Invalid API Key provided: sk_test_"))
        self.assertNotIn("sk_test_wrongwrongwrong", error["message"])
        self.assertEqual(self.state()["requests"][-1]["authorization"], "Bearer sk_test_wrongwrongwrong")
        self.assertEqual(self.error("GET", "/v1/events", key=None, expect=401)["type"], "invalid_request_error")
        self.error("GET", "/v1/events", authorization=SECRET_KEY, expect=401)

    def test_basic_auth_with_the_key_as_user(self):
        basic = "Basic " + base64.b64encode((SECRET_KEY + ":").encode()).decode()
        self.api("GET", "/v1/events", authorization=basic)

    def test_unrecognized_url(self):
        self.assertIn("Unrecognized request URL (GET: /v1/nothing)", self.error("GET", "/v1/nothing", expect=404)["message"])


class EventTests(FakeStripeTestCase):
    def make_events(self):
        """Six events: at NOW, NOW+10 (two), NOW+20, NOW+30 (two); returns their ids oldest first."""
        ids = []
        for offset, outcome in [(0, "failed"), (10, "succeeded"), (20, "failed"), (30, "succeeded")]:
            if outcome == "failed":
                intent = self.intent()
            self.control({"now": NOW + offset})
            ids += self.control({"pay": {"intent": intent["id"], "outcome": outcome}})["events"]
        return ids

    def test_newest_first_with_paging(self):
        ids = self.make_events()
        newest_first = list(reversed(ids))
        listing = self.api("GET", "/v1/events")
        self.assertEqual((listing["object"], listing["url"], listing["has_more"]), ("list", "/v1/events", False))
        self.assertEqual([event["id"] for event in listing["data"]], newest_first)
        event = listing["data"][0]
        self.assertEqual((event["object"], event["api_version"], event["livemode"], event["pending_webhooks"]),
                         ("event", "2024-06-20", False, 1))
        self.assertEqual(event["request"], {"id": None, "idempotency_key": None})
        self.assertRegex(event["id"], r"^evt_[A-Za-z0-9]{24}$")
        seen, cursor = [], None
        while True:
            page = self.api("GET", "/v1/events?limit=1" + ("&starting_after=" + cursor if cursor else ""))
            seen += [event["id"] for event in page["data"]]
            if not page["has_more"]:
                break
            cursor = page["data"][-1]["id"]
        self.assertEqual(seen, newest_first)
        page = self.api("GET", "/v1/events?limit=2&ending_before=" + ids[1])
        self.assertEqual(([event["id"] for event in page["data"]], page["has_more"]), (newest_first[-4:-2], True))
        self.assertEqual(self.error("GET", "/v1/events?limit=101")["param"], "limit")
        self.assertEqual(self.error("GET", "/v1/events?starting_after=evt_nope")["code"], "resource_missing")

    def test_filters(self):
        ids = self.make_events()
        recent = self.api("GET", "/v1/events?created[gte]=%d" % (NOW + 20))["data"]
        self.assertEqual([event["id"] for event in recent], [ids[5], ids[4], ids[3]])
        self.assertEqual([e["created"] for e in self.api("GET", "/v1/events?created[gt]=%d&created[lt]=%d"
                                                         % (NOW, NOW + 20))["data"]], [NOW + 10, NOW + 10])
        succeeded = self.event_types("?types[]=payment_intent.succeeded&types[]=charge.succeeded")
        self.assertEqual(succeeded, ["charge.succeeded", "payment_intent.succeeded"] * 2)
        self.assertEqual(self.event_types("?type=payment_intent.*&limit=3"),
                         ["payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.succeeded"])

    def test_pinned_clock(self):
        self.assertEqual(self.intent()["created"], NOW)
        self.assertEqual(self.state()["now"], NOW)
        self.control({"now": NOW + 3600})
        self.assertEqual(self.intent()["created"], NOW + 3600)
        self.control({"reset": True})
        self.assertIsNone(self.state()["now"])


class CheckoutTests(FakeStripeTestCase):
    def test_create_and_complete(self):
        session = self.api("POST", "/v1/checkout/sessions", self.session_form(expires_at=str(NOW + 3600)))
        self.assertRegex(session["id"], r"^cs_test_[A-Za-z0-9]{24}$")
        self.assertEqual(session["url"], "%s/pay/%s" % (self.base, session["id"]))
        self.assertEqual((session["object"], session["status"], session["payment_status"], session["payment_intent"]),
                         ("checkout.session", "open", "unpaid", None))
        self.assertEqual((session["amount_total"], session["currency"], session["expires_at"], session["created"]),
                         (6000, "eur", NOW + 3600, NOW))
        self.assertEqual((session["metadata"], session["client_reference_id"]), ({"booking_id": "42"}, "booking-42"))
        events = self.control({"completeCheckout": session["id"]})["events"]
        self.assertEqual(self.event_types(), ["checkout.session.completed", "payment_intent.succeeded"])
        self.assertEqual(len(events), 2)
        done = self.api("GET", "/v1/checkout/sessions/%s?expand[]=payment_intent" % session["id"])
        self.assertEqual((done["status"], done["payment_status"]), ("complete", "paid"))
        intent = done["payment_intent"]
        self.assertEqual((intent["status"], intent["amount"], intent["metadata"]), ("succeeded", 6000, {"booking_id": "42"}))
        self.assertEqual(self.error("POST", "/v1/checkout/sessions/%s/expire" % session["id"])["type"], "invalid_request_error")
        self.control({"completeCheckout": session["id"]}, expect=400)

    def test_expire(self):
        session = self.api("POST", "/v1/checkout/sessions", self.session_form())
        self.assertEqual(session["expires_at"], NOW + 24 * 3600)
        expired = self.api("POST", "/v1/checkout/sessions/%s/expire" % session["id"])
        self.assertEqual((expired["status"], expired["url"]), ("expired", None))
        self.assertEqual(self.event_types(), ["checkout.session.expired"])
        self.assertEqual(self.error("GET", "/v1/checkout/sessions/cs_test_nope", expect=404)["code"], "resource_missing")

    def test_expires_at_bounds_and_required_parameters(self):
        for expires_at in (NOW + 29 * 60, NOW + 24 * 3600 + 1):
            self.assertEqual(self.error("POST", "/v1/checkout/sessions", self.session_form(expires_at=str(expires_at)))
                             ["param"], "expires_at")
        self.api("POST", "/v1/checkout/sessions", self.session_form(expires_at=str(NOW + 30 * 60)))
        form = [pair for pair in self.session_form() if pair[0] != "success_url"]
        self.assertEqual(self.error("POST", "/v1/checkout/sessions", form)["param"], "success_url")


class RefundTests(FakeStripeTestCase):
    def test_refund_and_already_refunded(self):
        unpaid = self.intent()
        self.assertEqual(self.error("POST", "/v1/refunds", {"payment_intent": unpaid["id"]})["code"],
                         "payment_intent_unexpected_state")
        intent = self.paid_intent()
        refund = self.api("POST", "/v1/refunds", {"payment_intent": intent["id"], "reason": "requested_by_customer"})
        self.assertRegex(refund["id"], r"^re_[A-Za-z0-9]{24}$")
        charge_id = self.api("GET", "/v1/payment_intents/" + intent["id"])["latest_charge"]
        self.assertEqual((refund["object"], refund["amount"], refund["payment_intent"], refund["charge"], refund["status"]),
                         ("refund", 5000, intent["id"], charge_id, "succeeded"))
        [event] = self.api("GET", "/v1/events?limit=1")["data"]
        charge = event["data"]["object"]
        self.assertEqual((event["type"], charge["object"], charge["id"], charge["refunded"], charge["amount_refunded"]),
                         ("charge.refunded", "charge", charge_id, True, 5000))
        self.assertEqual((charge["payment_intent"], charge["metadata"]), (intent["id"], {"booking_id": "42"}))
        self.assertEqual(self.error("POST", "/v1/refunds", {"payment_intent": intent["id"]})["code"],
                         "charge_already_refunded")

    def test_partial_refunds_and_dashboard_refund(self):
        intent = self.paid_intent()
        self.api("POST", "/v1/refunds", {"payment_intent": intent["id"], "amount": "1000"})
        self.assertEqual(self.error("POST", "/v1/refunds", {"payment_intent": intent["id"], "amount": "4001"})["code"],
                         "amount_too_large")
        events = self.control({"refund": intent["id"]})["events"]
        self.assertEqual(len(events), 1)
        self.assertEqual([refund["amount"] for refund in self.state()["refunds"]], [1000, 4000])
        self.assertEqual(self.control({"refund": intent["id"]}, expect=400)["events"], [])


class FailureRuleTests(FakeStripeTestCase):
    def test_status_rules(self):
        self.control({"fail": [{"status": 429, "retryAfter": 1, "path": "/v1/payment_intents", "method": "POST"}]})
        status, headers, raw = self.call("POST", "/v1/payment_intents", {"amount": "5000", "currency": "eur"})
        self.assertEqual((status, headers["Retry-After"], json.loads(raw)["error"]["code"]), (429, "1", "rate_limit"))
        self.assertEqual(self.state()["intents"], {})
        self.intent()  # times defaults to 1
        self.control({"fail": [{"status": 500, "times": 2}, {"status": 402, "code": "card_declined"}]})
        self.assertEqual(self.error("GET", "/v1/events", expect=500)["type"], "api_error")
        self.assertEqual(self.error("GET", "/v1/events", expect=500)["type"], "api_error")
        error = self.error("GET", "/v1/events", expect=402)
        self.assertEqual((error["type"], error["code"], error["decline_code"]), ("card_error", "card_declined", "generic_decline"))
        self.api("GET", "/v1/events")

    def test_lose_does_the_work_but_never_answers(self):
        self.control({"fail": [{"lose": True, "path": "/v1/payment_intents"}]})
        form = {"amount": "5000", "currency": "eur"}
        with self.assertRaises((urllib.error.URLError, http.client.HTTPException, ConnectionError)):
            self.call("POST", "/v1/payment_intents", form, idempotency="lost-1")
        [created] = self.state()["intents"]
        status, headers, raw = self.call("POST", "/v1/payment_intents", form, idempotency="lost-1")
        self.assertEqual((status, headers["Idempotent-Replayed"], json.loads(raw)["id"]), (200, "true", created))

    def test_hold_until_release(self):
        self.control({"fail": [{"hold": True, "path": "/v1/events"}]})
        results = []
        worker = threading.Thread(target=lambda: results.append(self.call("GET", "/v1/events")[0]))
        worker.start()
        while self.state()["held"] != 1:
            time.sleep(0.02)
        self.assertEqual((self.state()["held"], results), (1, []))
        self.control({"release": True})
        worker.join()
        self.assertEqual(results, [200])

    def test_clear_failures(self):
        self.control({"fail": [{"status": 500, "times": -1}]})
        self.error("GET", "/v1/events", expect=500)
        self.control({"clearFailures": True})
        self.api("GET", "/v1/events")

    def test_control_is_never_logged_nor_failed(self):
        self.control({"fail": [{"status": 500, "times": -1}]})
        self.assertEqual(self.state()["requests"], [])
        self.error("GET", "/v1/events", expect=500)
        self.assertEqual(len(self.state()["requests"]), 1)


@functools.lru_cache(maxsize=None)
def stripe_python():
    """A Python that can import stripe, or None."""
    candidates = [os.environ.get("STRIPE_PYTHON"), os.path.join(HERE, "..", "..", ".build", "test-venv", "bin", "python")]
    for python in filter(None, candidates):
        if os.path.exists(python) and subprocess.run([python, "-c", "import stripe"], capture_output=True).returncode == 0:
            return python
    return None


@unittest.skipUnless(stripe_python(), "no Python with the stripe package ($STRIPE_PYTHON)")
class SignatureOracleTests(unittest.TestCase):
    PAYLOAD = '{"id": "evt_1", "object": "event", "type": "payment_intent.succeeded", "note": "café"}\n'.encode()

    def oracle(self, *arguments):
        return subprocess.run([stripe_python(), os.path.join(HERE, "stripe_signature.py"), *arguments],
                              input=self.PAYLOAD, capture_output=True)

    def test_sign_is_hmac_sha256_of_timestamp_dot_payload(self):
        result = self.oracle("sign", "--secret", "whsec_test", "--timestamp", "1700000000")
        expected = hmac.new(b"whsec_test", b"1700000000." + self.PAYLOAD, hashlib.sha256).hexdigest()
        self.assertEqual(result.stdout.decode(), "t=1700000000,v1=%s\n" % expected)

    def test_verify(self):
        fresh = self.oracle("sign", "--secret", "whsec_test", "--timestamp", str(int(time.time()))).stdout.decode().strip()
        self.assertEqual(self.oracle("verify", "--secret", "whsec_test", "--header", fresh).returncode, 0)
        wrong = self.oracle("verify", "--secret", "whsec_other", "--header", fresh)
        self.assertEqual(wrong.returncode, 1)
        self.assertIn(b"No signatures found matching", wrong.stderr)
        stale = self.oracle("sign", "--secret", "whsec_test", "--timestamp", str(int(time.time()) - 301)).stdout.decode().strip()
        refused = self.oracle("verify", "--secret", "whsec_test", "--header", stale)
        self.assertEqual(refused.returncode, 1)
        self.assertIn(b"Timestamp outside the tolerance zone", refused.stderr)
        self.assertEqual(self.oracle("verify", "--secret", "whsec_test", "--header", stale, "--tolerance", "600").returncode, 0)
        self.assertEqual(self.oracle("verify", "--secret", "whsec_test", "--header", "t=1,v1=00").returncode, 1)


if __name__ == "__main__":
    unittest.main()
