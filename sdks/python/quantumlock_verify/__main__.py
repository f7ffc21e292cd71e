"""python3 -m quantumlock_verify KEYS.json CERTIFICATE_FILE: prints the license as JSON."""

import json
import sys

from . import KeySet, VerifyError, verify


def main(argv):
    if len(argv) != 3:
        print("usage: python3 -m quantumlock_verify KEYS.json CERTIFICATE_FILE", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as keys_file:
        keys = KeySet.from_json(keys_file.read())
    with open(argv[2], encoding="utf-8") as certificate_file:
        certificate = certificate_file.read().strip()
    try:
        license = verify(keys, certificate)
    except VerifyError as error:
        print(f"certificate refused ({error.code}): {error}", file=sys.stderr)
        return 1
    print(json.dumps(license, ensure_ascii=False, indent=2))
    return 0


sys.exit(main(sys.argv))
