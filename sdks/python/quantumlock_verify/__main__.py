"""python3 -m quantumlock_verify --vendor cust_... KEYS.json CERTIFICATE_FILE

Prints the license as JSON. Exit status: 0 the certificate holds, 1 it is refused (the
reason follows ``certificate refused (<code>)``), 2 usage or input error."""

import argparse
import json
import sys

from . import KeySet, VerifyError, verify

REFUSED = 1
INPUT_ERROR = 2


def _parser():
    parser = argparse.ArgumentParser(
        prog="python3 -m quantumlock_verify", description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vendor", required=True, metavar="CUSTOMER_ID",
                        help="your own QuantumLock customer id; other vendors' certificates "
                             "are refused (wrong_vendor)")
    parser.add_argument("keys", metavar="KEYS.json", help="a saved GET /api/v1/keys response")
    parser.add_argument("certificate", metavar="CERTIFICATE_FILE")
    return parser


def _read(path, what):
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {what} {path}: {error}") from None


def main(argv):
    args = _parser().parse_args(argv)
    try:
        keys_text = _read(args.keys, "key set")
        try:
            keys = KeySet.from_json(keys_text)
        except (ValueError, TypeError, KeyError, RecursionError) as error:
            raise ValueError(f"{args.keys} is not a usable key set: {error}") from None
        certificate = _read(args.certificate, "CERT").strip()
    except ValueError as error:
        print(f"quantumlock_verify: {error}", file=sys.stderr)
        return INPUT_ERROR
    try:
        license = verify(keys, certificate, vendor_id=args.vendor)
    except VerifyError as error:
        print(f"certificate refused ({error.code}): {error}", file=sys.stderr)
        return REFUSED
    print(json.dumps(license, ensure_ascii=False, indent=2))
    return 0


sys.exit(main(sys.argv[1:]))
