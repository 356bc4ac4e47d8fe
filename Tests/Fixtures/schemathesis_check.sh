#!/usr/bin/env bash
# Checks a running `artisanctl serve` against its own OpenAPI document with Schemathesis.
#
# Usage: schemathesis_check.sh BASE_URL          (e.g. http://127.0.0.1:8080)
#
# Reads BASE_URL/api/v1/openapi.json and tests every operation in it (the one serving the document
# too, which Schemathesis leaves out unless a filter names it: hence --include-path-regex) with
# these checks only: not_a_server_error, response_schema_conformance, status_code_conformance,
# content_type_conformance, response_headers_conformance. Exits 0 when all pass, non-zero on any
# failure or error (Schemathesis's own status; 2 for a usage error here).
#
# Environment:
#   PYTHON            a Python whose environment has 'schemathesis>=4.32.5,<5' (default python3)
#   ARTISANCTL_NOW    the server's clock when it is fixed (tests); the 14 days from its day on are
#                     offered to the generator. Without it, today's date.
#   SCHEMATHESIS_SEED, SCHEMATHESIS_MAX_EXAMPLES   default 20261127 and 30
#   SCHEMATHESIS_REPORT_DIR   when set, a JUnit report is written there
#
# Generation: positive and negative data for every operation, except the Stripe webhook and the
# calendar feed, which need a secret the run does not have (a signature, a feed token): only
# negative data there, whose answers still go through every check. Dictionaries (below) offer real
# values half the time for `date`, `time` and `serviceId`, so that bookings are really made (then
# found, moved and cancelled through the document's links in the stateful phase, positive data
# only) and their answers checked too; and they offer hostile values for the other inputs. The
# run is repeatable: one seed, one worker, no example database, nothing written where it is run
# from. Only BASE_URL is contacted (proxies from the environment are ignored).
#
# The server must not rate-limit this run (some 800 requests in well under a minute): 429s are
# documented, so a rate-limited run passes while testing nothing.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 BASE_URL" >&2
  exit 2
fi
BASE_URL=${1%/}
PYTHON=${PYTHON:-python3}
case $PYTHON in  # the run itself happens in a scratch directory
  */*) PYTHON=$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON") ;;
esac
SEED=${SCHEMATHESIS_SEED:-20261127}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-30}

# Nothing but BASE_URL: no proxy from the environment.
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY
export NO_PROXY='*' no_proxy='*'

if ! "$PYTHON" - 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
release = tuple(int(part) for part in version("schemathesis").split(".")[:3] if part.isdigit())
sys.exit(0 if (4, 32, 5) <= release < (5,) else 1)
PY
then
  echo "$0: $PYTHON has no schemathesis 4.32.5 or later 4.x (pip install 'schemathesis>=4.32.5,<5')" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The configuration: which operations get which data, and the dictionaries of real values.
"$PYTHON" - "$BASE_URL" "$work/schemathesis.toml" <<'PY'
import datetime, json, os, sys, time, urllib.request

base_url, path = sys.argv[1], sys.argv[2]
now = os.environ.get("ARTISANCTL_NOW", "")
try:
    today = datetime.date.fromisoformat(now[:10])
except ValueError:
    today = datetime.date.today()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
services, deadline = [], time.monotonic() + 30
while True:
    try:
        with opener.open(base_url + "/api/v1/services", timeout=10) as response:
            services = [service["id"] for service in json.load(response)["services"]]
        break
    except Exception as error:  # the run itself then says what is wrong with the server
        if time.monotonic() > deadline:
            print(f"schemathesis_check: GET /api/v1/services: {error}", file=sys.stderr)
            break
        time.sleep(0.5)

# Each dictionary mixes valid and invalid values: Schemathesis draws the valid ones (by the
# document's schema) for positive cases and the invalid ones for negative cases. The invalid ones
# are what a careless parser answers with a 500: other scripts' digits (Swift's `\d` and
# `Character.isNumber` take them), NUL, lone line breaks, numbers past Int64, code points that are
# not one UTF-16 unit, strings past the limits.
near = [(today + datetime.timedelta(days=n)).isoformat() for n in range(14)]
dictionaries = {
    "dates": near + ["0001-01-01", "9999-12-31", "2028-02-29", "2026-02-29", "2026-13-01", "2026-00-10",
                     "0000-00-00", "\u0662\u0660\u0662\u0666-\u0661\u0662-\u0660\u0661",
                     "\uff12\uff10\uff12\uff16-\uff11\uff12-\uff10\uff11", near[1] + "T10:00:00+01:00",
                     near[1] + "\n", " " + near[1], near[1] + "\u0000", "+" + near[1], near[1][:8] + "1"],
    "times": [f"{m // 60:02d}:{m % 60:02d}" for m in range(8 * 60, 19 * 60, 15)]
             + ["00:00", "23:59", "24:00", "23:60", "9:00", "09:00:00", "\u0660\u0669:\u0660\u0660",
                "\uff10\uff19:\uff10\uff10", "09:00\n", "-1:00", "99:99", "09:00\u0000"],
    "services": services + [value.upper() for value in services[:1]]
                + ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
                + ["{" + value + "}" for value in services[:1]] + ["urn:uuid:" + value for value in services[:1]]
                + [value.replace("-", "") for value in services[:1]] + [value + "\u0000" for value in services[:1]],
    "days": [1, 2, 7, 14, 31, 0, -1, 367, 2147483647, 2147483648, 9223372036854775807, 9223372036854775808,
             18446744073709551616, 10**30, "1.0", "1e2", "0x10", "\u0667", "\uff17", " 7", "7\u0000"],
    "names": ["Zo\u00eb \u00d6l\u00e7er-Nguy\u1ec5n", "\u674e\u5c0f\u9f8d", "\u0639\u0645\u0631",
              "\U0001F469\U0001F3FD\u200d\U0001F527 Ana", "Jo", "a\u0000b", "ab\u202e", "  ", "\t\n", "\u00e9" * 255,
              "\u00e9" * 256, "e\u0301" * 127, "\U0001F600" * 255, "x" * 10000,
              "Robert'); DROP TABLE bookings;--", "<script>alert(1)</script>"],
    "reasons": ["", "a\u0000b", "\r\n", "x" * 500, "x" * 501, "\U0001F600" * 500, "e\u0301" * 250,
                "Emp\u00each\u00e9 \u2014 d\u00e9sol\u00e9e"],
    "emails": ["a@b.co", "Claire.Martin@Example.COM", "a+tag@example.fr", "\u00e9@exemple.fr", "a@localhost",
               "user@[127.0.0.1]", '"quoted local"@example.com', "a@b.co\u0000", "a" * 64 + "@example.com",
               "a" * 65 + "@example.com", "a@" + "b" * 246 + ".fr", "a@" + "b" * 247 + ".fr", "a@b.co\n",
               "a@xn--p1ai.xn--p1ai"],
    "phones": ["+33612345678", "0612345678", "+123456789012345", "+1234567890123456", "+33 6 12 34 56 78",
               "+\u0663\u0663\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
               "\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "+", "", "0612345678\u0000"],
    "codes": ["AC-ABCDEF", "AC-222222", "ac-abcdef", "AC-IIIIII", "AC-OOOOOO", "AC-000000", "AC-ABCDE",
              "AC-ABCDEFG", "AC-\uff21\uff22\uff23\uff24\uff25\uff26", "AC-ABCDE\u0000", "AC-ABC/EF",
              "../../../etc/passwd", "AC-ABCDEF\n"],
    "keys": ["k", "x" * 255, "x" * 256, "a b", "!~", '"quoted"'],
}
bindings = {
    "query.date": ("dates", 0.5), "body.date": ("dates", 0.5), "body.time": ("times", 0.5),
    "query.days": ("days", 0.3), "body.customer.name": ("names", 0.25), "body.reason": ("reasons", 0.25),
    "query.email": ("emails", 0.25), "body.email": ("emails", 0.25), "body.customer.email": ("emails", 0.25),
    "body.customer.phone": ("phones", 0.25), "query.code": ("codes", 0.25), "path.code": ("codes", 0.25),
    "header.Idempotency-Key": ("keys", 0.2),
}
if services:
    bindings.update({"query.serviceId": ("services", 0.5), "body.serviceId": ("services", 0.5)})

def toml(value):
    if isinstance(value, int):
        return str(value)
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif code > 0xFFFF:
            out.append(f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'

lines = [
    "# Chains of real requests (service, slots, booking, then find, move, cancel it) need valid data;",
    "# the other phases send the invalid kind too.",
    "[phases.stateful.generation]",
    'mode = "positive"',
    "",
    "# Fuzzing on its own: values taken from earlier answers would turn nearly all its negative cases",
    "# positive (Schemathesis then mixes in 3% negative ones only).",
    "[phases.fuzzing.extra-data-sources]",
    "responses = false",
    "",
    "# A signature and a feed token cannot be generated: only requests that must be refused.",
    "[[operations]]",
    'include-operation-id = ["receiveStripeWebhook", "getCalendarFeed"]',
    'generation.mode = "negative"',
    "",
]
for name, entries in dictionaries.items():
    lines += [f"[dictionaries.{name}]", "values = [" + ", ".join(toml(entry) for entry in entries) + "]"]
lines += ["", "[parameters]"]
for key, (name, probability) in bindings.items():
    if dictionaries[name]:
        lines.append(f'"{key}" = {{ dictionary = "{name}", probability = {probability} }}')
with open(path, "w", encoding="utf-8") as file:
    file.write("\n".join(lines) + "\n")
PY

# A valid Idempotency-Key drawn twice (they are short: "0", "!~"…) would turn most bookings into
# 422 IDEMPOTENCY_KEY_REUSED: each valid key is made unique as it is sent (invalid ones are kept,
# they are negative cases). The suffix differs between runs, since keys outlive a run in the database.
cat > "$work/hooks.py" <<'PY'
import itertools, os, re
import schemathesis

VALID = re.compile(r"[\x21-\x7E]{1,255}\Z")
RUN = os.urandom(4).hex()
COUNTER = itertools.count(1)


@schemathesis.hook
def before_call(context, case, kwargs):
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and VALID.match(key):
        suffix = f".{RUN}.{next(COUNTER)}"
        case.headers["Idempotency-Key"] = key[: 255 - len(suffix)] + suffix
PY
export SCHEMATHESIS_HOOKS="$work/hooks.py"

report=()
if [ -n "${SCHEMATHESIS_REPORT_DIR:-}" ]; then
  mkdir -p "$SCHEMATHESIS_REPORT_DIR"
  report=(--report junit --report-dir "$(cd "$SCHEMATHESIS_REPORT_DIR" && pwd)")
fi

cd "$work"  # nothing of the run is left behind in the caller's directory
"$PYTHON" -m schemathesis.cli --config-file "$work/schemathesis.toml" --no-color run "$BASE_URL/api/v1/openapi.json" \
  --url "$BASE_URL" \
  --include-path-regex '^/' \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" \
  --workers 1 \
  --generation-database none \
  --request-timeout 10 \
  --wait-for-schema 30 \
  --suppress-health-check all \
  --warnings missing_test_data,validation_mismatch,rate_limited,base_url_mismatch,unsupported_regex,unresolvable_reference \
  "${report[@]}"
