"""A self-check of the notification fixtures: fake_sendgrid.py, fake_twilio.py, smtp_sink.py and
mail_oracle.py, each started as a subprocess as the Swift tests start them.

Run from this directory with a Python that has aiosmtpd and icalendar (see smtp_sink.py):
    /work/notify-venv/bin/python -m unittest test_notification_fakes
"""
import base64
import http.client
import json
import os
import re
import shutil
import smtplib
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from email import policy
from email.message import EmailMessage
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
SENDGRID_KEY = "SG.test_artisan"
TWILIO_SID, TWILIO_TOKEN = "AC_test_artisan", "twilio_test_token"
MESSAGES_PATH = "/2010-04-01/Accounts/%s/Messages.json" % TWILIO_SID
ICS = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//artisanctl//test//FR", "METHOD:REQUEST",
    "BEGIN:VTIMEZONE", "TZID:Europe/Paris",
    "BEGIN:STANDARD", "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "END:DAYLIGHT",
    "END:VTIMEZONE",
    "BEGIN:VEVENT", "UID:booking-42@artisanctl.test", "SEQUENCE:0", "DTSTAMP:20260101T000000Z",
    "DTSTART;TZID=Europe/Paris:20260310T090000", "DTEND;TZID=Europe/Paris:20260310T103000",
    "SUMMARY:Rendez-vous : réparation chaudière", "STATUS:CONFIRMED",
    "ORGANIZER;CN=Atelier Dupont:mailto:atelier@example.com",
    "ATTENDEE;CN=Client Été;RSVP=TRUE:mailto:client@example.com",
    "END:VEVENT", "END:VCALENDAR", ""])


def start(arguments):
    """(process, port) of a fixture that prints its port as its first stdout line."""
    errors = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-u"] + arguments, stdout=subprocess.PIPE, stderr=errors, text=True)
    port = process.stdout.readline().strip()
    if not port.isdigit():
        process.kill()
        status = process.wait(10)
        errors.seek(0)
        raise RuntimeError("%s did not start (exit status %s): %s"
                           % (arguments[0], status, errors.read().decode(errors="replace")))
    process.errors = errors
    return process, int(port)


def stop(process):
    process.terminate()
    process.wait(10)
    process.stdout.close()
    process.errors.close()


class HTTPFakeTestCase(unittest.TestCase):
    script = None

    @classmethod
    def setUpClass(cls):
        cls.process, port = start([os.path.join(HERE, cls.script)])
        cls.base = "http://127.0.0.1:%d" % port

    @classmethod
    def tearDownClass(cls):
        stop(cls.process)

    def setUp(self):
        self.control({"reset": True})

    def call(self, method, path, data=None, headers=(), timeout=10):
        """(status, headers, raw body)."""
        request = urllib.request.Request(self.base + path, data=data, method=method)
        for name, value in headers:
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def control(self, command):
        status, _, raw = self.call("POST", "/_control", json.dumps(command).encode())
        self.assertEqual(status, 200, raw)
        return json.loads(raw)

    def state(self):
        status, _, raw = self.call("GET", "/_control")
        self.assertEqual(status, 200, raw)
        return json.loads(raw)

    def wait_held(self, count):
        while self.state()["held"] != count:
            time.sleep(0.02)

    def in_thread(self, function):
        """Runs function in a thread; the returned list gets its result."""
        result = []
        thread = threading.Thread(target=lambda: result.append(function()))
        thread.start()
        self.addCleanup(thread.join, 15)
        return thread, result


# ---------------------------------------------------------------------------------------------
# SendGrid


def mail(**changes):
    body = {"personalizations": [{"to": [{"email": "client@example.com", "name": "Client Été"}]}],
            "from": {"email": "atelier@example.com", "name": "Atelier Dupont"},
            "subject": "Rendez-vous confirmé",
            "content": [{"type": "text/plain", "value": "Bonjour"}, {"type": "text/html", "value": "<p>Bonjour</p>"}],
            "attachments": [{"content": base64.b64encode(ICS.encode()).decode(), "type": "text/calendar",
                             "filename": "invite.ics"}],
            "custom_args": {"booking_id": "42"}}
    body.update(changes)
    return body


class FakeSendGridTests(HTTPFakeTestCase):
    script = "fake_sendgrid.py"

    def send(self, body, key=SENDGRID_KEY, raw=None, timeout=10):
        data = raw if raw is not None else json.dumps(body).encode()
        headers = [("Content-Type", "application/json")]
        if key is not None:
            headers.append(("Authorization", "Bearer " + key))
        return self.call("POST", "/v3/mail/send", data, headers, timeout)

    def error_fields(self, body):
        status, _, raw = self.send(body)
        self.assertEqual(status, 400, raw)
        return [error["field"] for error in json.loads(raw)["errors"]]

    def test_accepts_a_valid_message_and_stores_it(self):
        status, headers, raw = self.send(mail())
        self.assertEqual((status, raw), (202, b""))
        message_id = headers["X-Message-Id"]
        self.assertRegex(message_id, r"^[A-Za-z0-9_-]{22}$")
        stored = self.state()
        self.assertEqual(len(stored["messages"]), 1)
        self.assertEqual(stored["messages"][0]["messageId"], message_id)
        self.assertEqual(stored["messages"][0]["message"], mail())
        self.assertEqual(stored["messages"][0]["attachments"][0]["text"], ICS)
        self.assertEqual(stored["requests"][0]["authorization"], "Bearer ***")
        self.assertEqual(stored["requests"][0]["body"], mail())
        self.assertEqual(len(stored["requests"]), 1, "control requests are not logged")

    def test_a_wrong_or_missing_key_is_401(self):
        expected = {"errors": [{"message": "The provided authorization grant is invalid, expired, or revoked",
                                "field": None, "help": None}]}
        for key in ("SG.other", None):
            status, _, raw = self.send(mail(), key=key)
            self.assertEqual((status, json.loads(raw)), (401, expected))
        self.assertEqual(self.state()["messages"], [])

    def test_required_fields_are_named(self):
        body = mail(personalizations=[{"to": [{"name": "no address"}]}], subject="")
        del body["from"], body["content"]
        self.assertEqual(self.error_fields(body), ["personalizations.0.to.0.email", "from.email", "subject", "content"])
        self.assertEqual(self.error_fields(mail(personalizations=[])), ["personalizations"])
        self.assertEqual(self.error_fields(mail(personalizations=[{"to": []}])), ["personalizations.0.to"])
        self.assertEqual(self.error_fields(mail(**{"from": {"email": "not-an-address"}})), ["from.email"])

    def test_a_template_makes_subject_and_content_optional(self):
        body = mail(template_id="d-" + "0" * 32,
                    personalizations=[{"to": [{"email": "client@example.com"}], "dynamic_template_data": {"n": 1}}])
        del body["subject"], body["content"]
        self.assertEqual(self.send(body)[0], 202)
        body["personalizations"][0]["dynamic_template_data"] = "not an object"
        self.assertEqual(self.error_fields(body), ["personalizations.0.dynamic_template_data"])
        self.assertEqual(self.error_fields(mail(template_id="welcome")), ["template_id"])

    def test_content_attachments_and_custom_args_are_checked(self):
        html_first = [{"type": "text/html", "value": "<p>x</p>"}, {"type": "text/plain", "value": "x"}]
        self.assertEqual(self.error_fields(mail(content=html_first)), ["content"])
        self.assertEqual(self.error_fields(mail(content=[{"type": "text/plain", "value": ""}])), ["content.0.value"])
        attachments = [{"content": "not base64!", "filename": "a.ics"}, {"content": "QQ=="}]
        self.assertEqual(self.error_fields(mail(attachments=attachments)),
                         ["attachments.0.content", "attachments.1.filename"])
        self.assertEqual(self.error_fields(mail(custom_args={"booking_id": 42})), ["custom_args.booking_id"])
        status, _, raw = self.send(None, raw=b"{not json")
        self.assertEqual((status, json.loads(raw)["errors"][0]["message"]), (400, "Bad Request"))

    def test_a_body_over_30_mb_is_413(self):
        text = "x" * (30 * 1024 * 1024)
        status, _, raw = self.send(mail(content=[{"type": "text/plain", "value": text}]))
        self.assertEqual(status, 413, raw[:200])
        stored = self.state()
        self.assertEqual(stored["messages"], [])
        self.assertIsNone(stored["requests"][0]["body"])
        self.assertGreater(stored["requests"][0]["size"], 30 * 1024 * 1024)

    def test_injected_statuses(self):
        self.control({"fail": [{"status": 429, "retryAfter": 2}, {"status": 500, "path": "/v3/mail"}]})
        status, headers, raw = self.send(mail())
        self.assertEqual((status, headers["Retry-After"]), (429, "2"))
        self.assertEqual(json.loads(raw)["errors"][0]["message"], "too many requests")
        self.assertEqual(self.send(mail())[0], 500)
        self.assertEqual(self.send(mail())[0], 202)
        self.assertEqual(len(self.state()["messages"]), 1, "a failed request stores nothing")

    def test_a_held_request_waits_for_release(self):
        self.control({"fail": [{"hold": True}]})
        thread, result = self.in_thread(lambda: self.send(mail())[0])
        self.wait_held(1)
        self.assertEqual(self.state()["messages"], [])
        self.control({"release": True})
        thread.join(10)
        self.assertEqual(result, [202])

    def test_a_lost_answer_still_stores_the_message(self):
        self.control({"fail": [{"lose": True}]})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
            self.send(mail())
        self.assertEqual(len(self.state()["messages"]), 1)

    def test_a_hanging_request_times_out(self):
        self.control({"fail": [{"hang": 1.5}]})
        with self.assertRaises((TimeoutError, urllib.error.URLError)):
            self.send(mail(), timeout=0.3)
        self.control({"clearFailures": True})
        self.assertEqual(self.send(mail())[0], 202)


# ---------------------------------------------------------------------------------------------
# Twilio


class FakeTwilioTests(HTTPFakeTestCase):
    script = "fake_twilio.py"

    def send(self, form, user=TWILIO_SID, password=TWILIO_TOKEN, path=MESSAGES_PATH):
        headers = [("Content-Type", "application/x-www-form-urlencoded")]
        if user is not None:
            headers.append(("Authorization", "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()))
        status, _, raw = self.call("POST", path, urlencode(form).encode(), headers)
        return status, json.loads(raw)

    def sms(self, body="Votre rendez-vous est confirmé.", to="+33612345678", **extra):
        return self.send(dict({"To": to, "From": "+33700000000", "Body": body}, **extra))

    def segments(self, body):
        status, message = self.sms(body)
        self.assertEqual(status, 201, message)
        return message["num_segments"]

    def test_sends_a_message(self):
        status, message = self.sms()
        self.assertEqual(status, 201, message)
        self.assertRegex(message["sid"], r"^SM[0-9a-f]{32}$")
        self.assertEqual((message["status"], message["to"], message["from"], message["body"], message["num_segments"]),
                         ("queued", "+33612345678", "+33700000000", "Votre rendez-vous est confirmé.", "1"))
        stored = self.state()
        self.assertEqual(stored["messages"], [message])
        self.assertEqual(stored["requests"][0]["form"]["Body"], "Votre rendez-vous est confirmé.")
        self.assertEqual(stored["requests"][0]["authorization"], "Basic ***")
        status, _, raw = self.call("GET", message["uri"], headers=[("Authorization", "Basic " + base64.b64encode(
            ("%s:%s" % (TWILIO_SID, TWILIO_TOKEN)).encode()).decode())])
        self.assertEqual((status, json.loads(raw)), (200, message))

    def test_a_messaging_service_is_accepted_without_from(self):
        status, message = self.send({"To": "+33612345678", "MessagingServiceSid": "MG" + "a" * 32, "Body": "x"})
        self.assertEqual((status, message["status"], message["from"]), (201, "accepted", None))

    def test_wrong_credentials_are_401(self):
        expected = {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003",
                    "status": 401}
        self.assertEqual(self.send({"To": "+33612345678"}, password="nope"), (401, expected))
        self.assertEqual(self.send({"To": "+33612345678"}, user=None), (401, expected))

    def test_numbers_and_body_are_checked(self):
        status, error = self.sms(to="0612345678")
        self.assertEqual((status, error["code"], error["message"]),
                         (400, 21211, "The 'To' number 0612345678 is not a valid phone number."))
        self.assertEqual(self.sms(to="+3361")[1]["code"], 21211)
        self.assertEqual(self.sms("x" * 1601)[1]["code"], 21617)
        self.assertEqual(self.sms("x" * 1600)[0], 201)
        self.assertEqual(self.send({"To": "+33612345678", "From": "+33700000000"})[1]["code"], 21602)
        self.assertEqual(self.send({"To": "+33612345678", "Body": "x"})[1]["code"], 21603)

    def test_unsubscribed_and_landline_numbers(self):
        self.control({"unsubscribed": ["+33611111111"], "landline": ["+33122222222"]})
        status, error = self.sms(to="+33611111111")
        self.assertEqual((status, error["code"], error["message"]), (400, 21610, "Attempt to send to unsubscribed recipient"))
        self.assertEqual(self.sms(to="+33122222222")[1]["code"], 21614)
        self.assertEqual(self.state()["messages"], [])

    def test_segments_are_counted_as_twilio_does(self):
        cases = [("a" * 160, "1"), ("a" * 161, "2"), ("a" * 306, "2"), ("a" * 307, "3"),
                 ("é" * 160, "1"),                      # é is in the GSM-7 basic set
                 ("€" * 80, "1"), ("€" * 81, "2"),      # € takes two septets
                 ("a" * 152 + "€" * 77, "3"),           # 306 septets, but an escape pair is never split
                 ("ê" * 70, "1"), ("ê" * 71, "2"), ("ê" * 134, "2"), ("ê" * 135, "3"),
                 ("😀" * 35, "1"), ("😀" * 36, "2"),     # an emoji is two UTF-16 units...
                 ("a" * 66 + "😀" * 34, "3")]           # ...never split: 134 units, yet 3 segments
        self.assertEqual([self.segments(body) for body, _ in cases], [expected for _, expected in cases])

    def test_failure_rules(self):
        self.control({"fail": [{"status": 429, "retryAfter": 1}, {"malformed": True}]})
        status, _, raw = self.call("POST", MESSAGES_PATH, b"To=%2B33612345678")
        self.assertEqual((status, json.loads(raw)["code"]), (429, 20429))
        status, _, raw = self.call("POST", MESSAGES_PATH, b"To=%2B33612345678")
        self.assertEqual(status, 201)
        self.assertRaises(ValueError, json.loads, raw)
        self.control({"fail": [{"lose": True}]})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
            self.sms()
        self.assertEqual(len(self.state()["messages"]), 1)
        self.assertEqual(len(self.state()["requests"]), 3)

    def test_a_held_request_waits_for_release(self):
        self.control({"fail": [{"hold": True, "method": "POST"}]})
        thread, result = self.in_thread(lambda: self.sms()[0])
        self.wait_held(1)
        self.control({"release": True})
        thread.join(10)
        self.assertEqual(result, [201])


# ---------------------------------------------------------------------------------------------
# SMTP sink and mail oracle


def invitation():
    """A booking confirmation as artisanctl sends it: text + HTML + inline calendar, and invite.ics."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Atelier Dupont <atelier@example.com>"
    message["To"] = "Client Été <client@example.com>"
    message["Subject"] = "Rendez-vous confirmé – mardi 10 mars"
    message["Date"] = "Thu, 01 Jan 2026 10:00:00 +0100"
    message["Message-ID"] = "<booking-42.1@artisanctl.test>"
    message.set_content("Bonjour,\n.une ligne qui commence par un point\nÀ mardi !\n", cte="quoted-printable")
    message.add_alternative("<p>Bonjour, à mardi !</p>\n", subtype="html", cte="quoted-printable")
    message.add_alternative(ICS, subtype="calendar", params={"method": "REQUEST"}, cte="quoted-printable")
    message.add_attachment(ICS.encode(), maintype="text", subtype="calendar", filename="invite.ics",
                           params={"method": "REQUEST", "charset": "UTF-8"})
    return message


def as_stored(message):
    """The bytes a sink must store for a message that smtplib sends."""
    data = message.as_bytes()
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class SMTPSinkTests(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.directory)

    def sink(self, *options):
        process, port = start([os.path.join(HERE, "smtp_sink.py"), self.directory] + list(options))
        self.addCleanup(stop, process)
        return port

    def connect(self, port):
        client = smtplib.SMTP("127.0.0.1", port, timeout=10)
        self.addCleanup(client.close)
        return client

    def stored(self, number):
        with open(os.path.join(self.directory, "%d.eml" % number), "rb") as file:
            data = file.read()
        with open(os.path.join(self.directory, "%d.json" % number)) as file:
            return data, json.load(file)

    def oracle(self, path):
        run = subprocess.run([sys.executable, os.path.join(HERE, "mail_oracle.py"), path], capture_output=True,
                             text=True, timeout=30)
        return run.returncode, run.stdout, run.stderr

    def test_stores_what_it_accepts_and_refuses_as_told(self):
        port = self.sink("--auth", "artisan:secret", "--reject-rcpt", "gone@example.com",
                         "--tempfail-rcpt", "busy@example.com")
        client = self.connect(port)
        client.ehlo("artisanctl.test")
        self.assertIn("PLAIN", client.esmtp_features["auth"])
        self.assertIn("LOGIN", client.esmtp_features["auth"])
        client.login("artisan", "secret")
        message = invitation()
        refused = client.sendmail("atelier@example.com", ["client@example.com", "gone@example.com", "busy@example.com"],
                                  message.as_bytes())
        self.assertEqual(refused, {"gone@example.com": (550, b"5.1.1 unknown user"),
                                   "busy@example.com": (451, b"4.3.0 try again later")})
        data, envelope = self.stored(1)
        self.assertEqual(data, as_stored(message))
        self.assertEqual(envelope, {"mail_from": "atelier@example.com", "rcpt_tos": ["client@example.com"],
                                    "auth_user": "artisan", "tls": False, "helo": "artisanctl.test"})
        self.check_oracle(os.path.join(self.directory, "1.eml"))

    def check_oracle(self, path):
        status, output, errors = self.oracle(path)
        self.assertEqual(status, 0, errors)
        report = json.loads(output)
        self.assertEqual(report["headers"]["Subject"], "Rendez-vous confirmé – mardi 10 mars")
        self.assertIn("=?utf-8?q?", report["rawHeaders"]["Subject"])  # RFC 2047 on the wire
        self.assertTrue(report["rawHeaders"]["Subject"].isascii())
        self.assertEqual(report["headers"]["MIME-Version"], "1.0")
        self.assertEqual(report["headers"]["Message-ID"], "<booking-42.1@artisanctl.test>")
        self.assertEqual(report["addresses"]["To"], [{"name": "Client Été", "address": "client@example.com"}])
        self.assertEqual(report["date"], "2026-01-01T10:00:00+01:00")
        self.assertEqual(outline(report["structure"]),
                         ["multipart/mixed", [["multipart/alternative", ["text/plain", "text/html", "text/calendar"]],
                                              "text/calendar"]])
        self.assertEqual(report["text"], "Bonjour,\n.une ligne qui commence par un point\nÀ mardi !\n")
        self.assertEqual(report["html"], "<p>Bonjour, à mardi !</p>\n")
        inline, attached = report["calendars"]
        self.assertEqual((inline["inAlternative"], inline["filename"]), (True, None))
        self.assertEqual((attached["inAlternative"], attached["filename"], attached["disposition"]),
                         (False, "invite.ics", "attachment"))
        for calendar in (inline, attached):
            self.assertEqual((calendar["contentMethod"], calendar["METHOD"], calendar["timezones"]),
                             ("REQUEST", "REQUEST", ["Europe/Paris"]))
            event, = calendar["events"]
            self.assertEqual({key: event[key] for key in ("UID", "SEQUENCE", "DTSTART", "DTSTART_TZID", "DTEND",
                                                          "SUMMARY", "STATUS")},
                             {"UID": "booking-42@artisanctl.test", "SEQUENCE": 0, "DTSTART": "2026-03-10T09:00:00+01:00",
                              "DTSTART_TZID": "Europe/Paris", "DTEND": "2026-03-10T10:30:00+01:00",
                              "SUMMARY": "Rendez-vous : réparation chaudière", "STATUS": "CONFIRMED"})
        self.assertEqual(report["defects"], [])

    def test_auth_is_required_and_checked(self):
        port = self.sink("--auth", "artisan:secret")
        client = self.connect(port)
        client.ehlo("artisanctl.test")
        self.assertEqual(client.mail("atelier@example.com")[0], 530)
        with self.assertRaises(smtplib.SMTPAuthenticationError) as caught:
            client.login("artisan", "wrong")
        self.assertEqual(caught.exception.smtp_code, 535)
        self.assertEqual(os.listdir(self.directory), [])

    def test_without_auth_nothing_is_advertised_and_all_refused_is_an_error(self):
        port = self.sink("--reject-rcpt", "gone@example.com")
        client = self.connect(port)
        client.ehlo("artisanctl.test")
        self.assertNotIn("auth", client.esmtp_features)
        with self.assertRaises(smtplib.SMTPRecipientsRefused):
            client.sendmail("atelier@example.com", ["gone@example.com"], b"Subject: x\r\n\r\nx\r\n")
        client.rset()
        client.sendmail("atelier@example.com", ["client@example.com"], b"Subject: x\r\n\r\n..\r\n.x\r\n")
        data, envelope = self.stored(1)
        self.assertEqual(data, b"Subject: x\r\n\r\n..\r\n.x\r\n")
        self.assertIsNone(envelope["auth_user"])

    @unittest.skipUnless(shutil.which("openssl"), "openssl is needed to make a certificate")
    def test_starttls(self):
        cert, key = os.path.join(self.directory, "cert.pem"), os.path.join(self.directory, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=60)
        mails = os.path.join(self.directory, "mails")
        os.mkdir(mails)
        self.directory = mails
        port = self.sink("--auth", "artisan:secret", "--starttls", cert, key)
        client = self.connect(port)
        client.ehlo("artisanctl.test")
        self.assertTrue(client.has_extn("starttls"))
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False
        client.starttls(context=context)
        client.ehlo("artisanctl.test")
        client.login("artisan", "secret")
        message = invitation()
        client.sendmail("atelier@example.com", ["client@example.com"], message.as_bytes())
        data, envelope = self.stored(1)
        self.assertEqual(data, as_stored(message))
        self.assertTrue(envelope["tls"])

    def test_the_oracle_refuses_a_broken_message(self):
        broken = os.path.join(self.directory, "broken.eml")
        with open(broken, "wb") as file:
            file.write(b"From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n"
                       b"\r\nno boundary anywhere\r\n")
        status, output, errors = self.oracle(broken)
        self.assertEqual((status, output), (1, ""))
        self.assertIn("StartBoundaryNotFoundDefect", errors)
        self.assertEqual(self.oracle(os.path.join(self.directory, "missing.eml"))[0], 1)


def outline(node):
    """A structure node as nested lists of content types, for a readable comparison."""
    if "parts" in node:
        return [node["contentType"], [outline(part) for part in node["parts"]]]
    return node["contentType"]


if __name__ == "__main__":
    unittest.main()
