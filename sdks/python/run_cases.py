"""Runs the shared verifier cases: python3 run_cases.py CASES.json

CASES.json holds {"key_sets": {name: keys document}, "cases": [{"name", "keys",
"certificate", "now" (optional RFC 3339), "expect" ("valid" or an error code),
"metadata" (optional, expected on success)}]}. Prints one line per case and a summary."""

import json
import sys
from datetime import datetime, timezone

from quantumlock_verify import KeySet, VerifyError, verify


def run(case, key_sets):
    now = None
    if case.get("now"):
        now = datetime.strptime(case["now"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    try:
        license = verify(key_sets[case["keys"]], case["certificate"], now=now)
    except VerifyError as error:
        return error.code, None
    return "valid", license


def main(path):
    with open(path, encoding="utf-8") as cases_file:
        document = json.load(cases_file)
    key_sets = {name: KeySet.from_json(json.dumps(keys))
                for name, keys in document["key_sets"].items()}
    failed = 0
    for case in document["cases"]:
        outcome, license = run(case, key_sets)
        ok = outcome == case["expect"]
        if ok and license is not None and "metadata" in case:
            ok = license["metadata"] == case["metadata"]
        failed += not ok
        print(f"python {'ok  ' if ok else 'FAIL'} {case['name']}: {outcome}")
    print(f"python verifier: {len(document['cases']) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
