"""The independent signer and checker of Stripe webhook signatures: the official `stripe` package (PyPI).

Usage:
  stripe_signature.py sign --secret S --timestamp T < payload
      prints the Stripe-Signature header value "t=T,v1=<hex>" computed by the stripe package
      (WebhookSignature.generate_signature_header when the installed version has it, else
      WebhookSignature._compute_signature over "T.payload", which is what the former wraps).
  stripe_signature.py verify --secret S --header H [--tolerance 300] < payload
      exits 0 when stripe.WebhookSignature.verify_header accepts the header, 1 with the library's
      message on stderr when it does not. The tolerance check uses real time (time.time()): a
      timestamp older than now - tolerance is refused; one in the future is not; --tolerance 0
      turns the check off (stripe skips it for a falsy tolerance).
The payload is stdin's bytes exactly (nothing stripped), which must be UTF-8, as Stripe's bodies are.
Prints nothing else on stdout; exit status 2 for a usage error.
"""
import argparse
import sys

import stripe


def sign(payload, secret, timestamp):
    signature = stripe.WebhookSignature
    if hasattr(signature, "generate_signature_header"):
        return signature.generate_signature_header(payload, secret, timestamp=timestamp)
    digest = signature._compute_signature("%d.%s" % (timestamp, payload), secret)
    return "t=%d,%s=%s" % (timestamp, signature.EXPECTED_SCHEME, digest)


def verify(payload, secret, header, tolerance):
    """None when stripe accepts the header, else its error message."""
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
    except stripe.SignatureVerificationError as error:
        return error.user_message or str(error)
    return None


def main():
    parser = argparse.ArgumentParser(description="Stripe webhook signatures, by the stripe package %s"
                                     % getattr(stripe, "VERSION", "?"))
    commands = parser.add_subparsers(dest="command", required=True)
    signing = commands.add_parser("sign")
    signing.add_argument("--secret", required=True)
    signing.add_argument("--timestamp", required=True, type=int)
    checking = commands.add_parser("verify")
    checking.add_argument("--secret", required=True)
    checking.add_argument("--header", required=True)
    checking.add_argument("--tolerance", type=int, default=stripe.Webhook.DEFAULT_TOLERANCE)
    arguments = parser.parse_args()
    payload = sys.stdin.buffer.read().decode("utf-8")
    if arguments.command == "sign":
        print(sign(payload, arguments.secret, arguments.timestamp))
        return 0
    message = verify(payload, arguments.secret, arguments.header, arguments.tolerance)
    if message is not None:
        print(message, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
