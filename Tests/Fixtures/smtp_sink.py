"""A real SMTP server (aiosmtpd, PyPI) that keeps every message it accepts, for the tests.

Usage: smtp_sink.py DIRECTORY [--auth USER:PASS] [--reject-rcpt ADDRESS ...]
                              [--tempfail-rcpt ADDRESS ...] [--starttls CERT KEY]
(DIRECTORY first: the address lists take every argument up to the next option.)
Needs 'aiosmtpd>=1.4.3,<2' (earlier 1.4 releases fail the STARTTLS handshake on Python 3.11).

Listens on 127.0.0.1, a free port, printed as the first line of stdout. Speaks ESMTP (RFC 5321)
with 8BITMIME and SIZE (32 MiB, aiosmtpd's default: larger -> 552); lines longer than 1000 octets
-> 500, as RFC 5321 4.5.3.1.6 allows.

Each accepted message n (1, 2, ...; after the highest n already in DIRECTORY) is written as
  DIRECTORY/<n>.eml   the DATA exactly as received, CRLF line ends kept, with only the SMTP
                      dot-stuffing undone (RFC 5321 4.5.2) and the final "." line left out
  DIRECTORY/<n>.json  {"mail_from", "rcpt_tos": [accepted recipients], "auth_user": the AUTH
                      login or null, "tls": true after STARTTLS, "helo": the EHLO/HELO name}
The .json is written last and both files appear by rename: a test that sees <n>.json can read both.

  --reject-rcpt ADDRESS ...    RCPT TO that address -> "550 5.1.1 unknown user" (permanent)
  --tempfail-rcpt ADDRESS ...  RCPT TO that address -> "451 4.3.0 try again later" (temporary)
       (addresses compared case-insensitively; the other recipients are still accepted; with no
       recipient accepted, DATA -> 503)
  --auth USER:PASS             AUTH PLAIN and LOGIN are advertised, even without TLS, and required:
                               MAIL before AUTH -> 530 5.7.0; wrong credentials -> 535 5.7.8.
                               Without --auth, no AUTH is advertised.
  --starttls CERT KEY          STARTTLS is advertised (PEM certificate and key; a self-signed one
                               made by the test does); not required.
"""
import argparse
import asyncio
import json
import logging
import os
import re
import ssl
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from fake_process import stay_stoppable

HOSTNAME = "smtp-sink.test"


class Sink:
    """The aiosmtpd handler: answers RCPT as configured and stores each message. (No attribute may
    start with "auth_": aiosmtpd would advertise it as an AUTH mechanism.)"""

    def __init__(self, directory, reject, tempfail, offers_auth):
        self.directory = directory
        self.reject = {address.lower() for address in reject}
        self.tempfail = {address.lower() for address in tempfail}
        self.offers_auth = offers_auth
        self.count = highest_stored(directory)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # with this hook signature, aiosmtpd leaves that to us
        if not self.offers_auth:
            responses = [line for line in responses if not line.startswith("250-AUTH")]
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 unknown user"
        if address.lower() in self.tempfail:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.directory, str(self.count))
        write_atomically(stem + ".eml", envelope.original_content)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        details = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "auth_user": login,
                   "tls": session.ssl is not None, "helo": session.host_name}
        write_atomically(stem + ".json", json.dumps(details).encode())
        return "250 2.0.0 OK: queued as %d" % self.count


def highest_stored(directory):
    numbers = [int(match.group(1)) for name in os.listdir(directory)
               for match in [re.fullmatch(r"(\d+)\.eml", name)] if match]
    return max(numbers, default=0)


def write_atomically(path, data):
    temporary = path + ".part"
    with open(temporary, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        accepted = isinstance(auth_data, LoginPassword) and auth_data == (user.encode(), password.encode())
        return AuthResult(success=accepted, handled=False, auth_data=auth_data)
    return authenticate


def tls_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def smtp_factory(arguments):
    """A callable making one aiosmtpd SMTP protocol per connection, as the options say."""
    sink = Sink(arguments.directory, arguments.reject_rcpt, arguments.tempfail_rcpt, arguments.auth is not None)
    options = {"hostname": HOSTNAME}
    if arguments.auth is not None:
        user, _, password = arguments.auth.partition(":")
        options.update(authenticator=authenticator_for(user, password), auth_required=True, auth_require_tls=False)
    if arguments.starttls is not None:
        options["tls_context"] = tls_context(*arguments.starttls)
    return lambda: SMTP(sink, **options)


def parse_arguments():
    parser = argparse.ArgumentParser(description="An SMTP sink for the tests.")
    parser.add_argument("directory")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--reject-rcpt", nargs="+", action="extend", default=[], metavar="ADDRESS")
    parser.add_argument("--tempfail-rcpt", nargs="+", action="extend", default=[], metavar="ADDRESS")
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    arguments = parser.parse_args()
    if arguments.auth is not None and ":" not in arguments.auth:
        parser.error("--auth takes USER:PASS")
    if not os.path.isdir(arguments.directory):
        parser.error("not a directory: %s" % arguments.directory)
    return arguments


def quiet_aiosmtpd():
    """aiosmtpd warns (twice) that AUTH without TLS is unsafe: wanted here, and noise on stderr."""
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)


async def serve(arguments):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(smtp_factory(arguments), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    options = parse_arguments()
    stay_stoppable()
    quiet_aiosmtpd()
    asyncio.run(serve(options))
