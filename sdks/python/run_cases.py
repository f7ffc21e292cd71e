"""Runs the shared verifier cases: python3 run_cases.py CASES.json

CASES.json holds {"vendor_id": the expected vendor, "key_sets": {name: keys document},
"cases": [{"name", "keys", "certificate", "now" (optional RFC 3339), "vendor" (optional, in
place of vendor_id), "keys_text" (optional: raw key set JSON to load instead of "keys"),
"expect" ("valid", an error code, or "bad_key_set" when the key set must be refused at load),
"metadata" (optional, expected on success)}]}. Prints one line per case and a summary."""

import json
import sys
from datetime import datetime, timezone

from quantumlock_verify import KeySet, VerifyError, verify


def run(case, key_sets, vendor_id):
    if "keys_text" in case:
        try:
            KeySet.from_json(case["keys_text"])
        except ValueError:
            return "bad_key_set", None
        return "key set accepted", None
    now = None
    if case.get("now"):
        now = datetime.strptime(case["now"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    try:
        license = verify(key_sets[case["keys"]], case["certificate"],
                         vendor_id=case.get("vendor", vendor_id), now=now)
    except VerifyError as error:
        return error.code, None
    return "valid", license


BAD_OPTIONS = [
    ("no vendor_id", {"vendor_id": None}),
    ("empty vendor_id", {"vendor_id": ""}),
    ("naive now", {"now": datetime(2026, 1, 1)}),
    ("now not a datetime", {"now": "2026-01-01T00:00:00Z"}),
    ("leeway_seconds NaN", {"leeway_seconds": float("nan")}),
    ("leeway_seconds infinite", {"leeway_seconds": float("inf")}),
    ("leeway_seconds negative", {"leeway_seconds": -1}),
]


def check_options(document, key_sets):
    """Unusable options must raise, never verify: a genuine certificate with each of them."""
    genuine = next(c for c in document["cases"]
                   if c["expect"] == "valid" and "vendor" not in c and "now" not in c)
    failed = 0
    for name, options in BAD_OPTIONS:
        options = {"vendor_id": document["vendor_id"], **options}
        try:
            verify(key_sets[genuine["keys"]], genuine["certificate"], **options)
            outcome = "accepted"
        except (TypeError, ValueError):
            outcome = "refused"
        except VerifyError as error:
            outcome = error.code
        failed += outcome != "refused"
        print(f"python {'ok  ' if outcome == 'refused' else 'FAIL'} option {name}: {outcome}")
    return failed


def main(path):
    with open(path, encoding="utf-8") as cases_file:
        document = json.load(cases_file)
    key_sets = {name: KeySet.from_json(json.dumps(keys))
                for name, keys in document["key_sets"].items()}
    failed = 0
    for case in document["cases"]:
        outcome, license = run(case, key_sets, document["vendor_id"])
        ok = outcome == case["expect"]
        if ok and license is not None and "metadata" in case:
            ok = license["metadata"] == case["metadata"]
        failed += not ok
        print(f"python {'ok  ' if ok else 'FAIL'} {case['name']}: {outcome}")
    failed_options = check_options(document, key_sets)
    total, failed = len(document["cases"]) + len(BAD_OPTIONS), failed + failed_options
    print(f"python verifier: {total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
