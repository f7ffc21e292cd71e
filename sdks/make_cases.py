"""Builds and checks the cases every offline verifier must agree on.

    python3 make_cases.py issue URL CASES.json [QUANTUMLOCK_BIN DATA_DIR]
        Registers a vendor on the server at URL, issues certificates (non-ASCII metadata
        included), fetches GET /api/v1/keys, and writes genuine and tampered cases. With the
        binary and the server's data directory it also rotates and retires a key generation.
    python3 make_cases.py rust CASES.json QUANTUMLOCK_BIN
        Runs `quantumlock verify` on every case.

Standard library only. Case format: see python/run_cases.py; forge_cases.py adds the cases
that need payloads the server never issues."""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone

METADATA = [
    {"company": "Café Δ 株式会社", "seats": 25, "notes": "naïve – ünïcödé ✓ 🚀"},
    {"company": "Acme Corp", "plan": "enterprise", "max_users": 100},
    {"nested": {"levels": [1, 2.5, {"deep": "Ωμέγα"}], "flag": True, "none": None}},
]
# Longer than one reload interval of the server's key store.
RELOAD_WAIT_SECONDS = 1.3


def call(url, path, body=None, api_key=None):
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, headers=headers,
                                     method="GET" if body is None else "POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def issue(url, api_key, metadata, features=("premium", "api_access")):
    body = {"end_customer_id": "customer-Ж-1", "features": list(features),
            "expires_in_days": 30, "metadata": metadata}
    return call(url, "/api/v1/licenses/generate", body, api_key)["license_certificate"]


def b64decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64encode(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def flip(certificate, part, byte_index=7):
    parts = certificate.split(".")
    raw = bytearray(b64decode(parts[part]))
    raw[byte_index % len(raw)] ^= 0x01
    parts[part] = b64encode(bytes(raw))
    return ".".join(parts)


def swap(certificate, other, part):
    parts, other_parts = certificate.split("."), other.split(".")
    parts[part] = other_parts[part]
    return ".".join(parts)


def payload(certificate):
    return json.loads(b64decode(certificate.split(".")[2]))


def shifted(stamp, **delta):
    instant = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (instant + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def base_cases(certificates):
    first, second = certificates[0], certificates[1]
    cases = [{"name": f"genuine #{i} metadata", "keys": "initial", "certificate": c,
              "expect": "valid", "metadata": METADATA[i]} for i, c in enumerate(certificates)]
    issued, expires = payload(first)["issued_at"], payload(first)["expires_at"]
    tampered = [
        ("payload bit flipped", flip(first, 2), "bad_classical_signature"),
        ("payload last byte flipped", flip(first, 2, -1), "bad_classical_signature"),
        ("Ed25519 signature bit flipped", flip(first, 3), "bad_classical_signature"),
        ("ML-DSA-65 signature bit flipped", flip(first, 4), "bad_post_quantum_signature"),
        ("valid Ed25519, ML-DSA-65 from another certificate", swap(first, second, 4),
         "bad_post_quantum_signature"),
        ("valid ML-DSA-65, Ed25519 from another certificate", swap(first, second, 3),
         "bad_classical_signature"),
        ("unknown key id", first.replace(first.split(".")[1], "0123456789abcdef", 1),
         "unknown_key_id"),
        ("padded base64", first + "=", "malformed"),
        ("four parts", first.rsplit(".", 1)[0], "malformed"),
        ("other version tag", "QLC2" + first[4:], "malformed"),
        ("trailing newline", first + "\n", "malformed"),
    ]
    cases += [{"name": n, "keys": "initial", "certificate": c, "expect": e}
              for n, c, e in tampered]
    cases += [
        {"name": "checked at expires_at", "keys": "initial", "certificate": first,
         "now": expires, "expect": "expired"},
        {"name": "checked a second before expiry", "keys": "initial", "certificate": first,
         "now": shifted(expires, seconds=-1), "expect": "valid"},
        {"name": "checked a day before issue", "keys": "initial", "certificate": first,
         "now": shifted(issued, days=-1), "expect": "not_yet_valid"},
    ]
    return cases


def other_vendor_cases(url, vendor_id, ours):
    """Genuine certificates of another free-signup vendor must not pass as ours."""
    email = f"sdk-other-{os.getpid()}-{time.time_ns()}@example.com"
    other = call(url, "/api/v1/customers/register",
                 {"email": email, "company_name": "Other Vendor", "plan": "starter"})
    theirs = issue(url, other["api_key"], {"plan": "enterprise"}, features=("enterprise",))
    return [
        {"name": "another vendor's genuine certificate", "keys": "initial",
         "certificate": theirs, "expect": "wrong_vendor"},
        {"name": "another vendor's certificate, checked as that vendor", "keys": "initial",
         "certificate": theirs, "vendor": other["id"], "expect": "valid"},
        {"name": "our certificate, checked as another vendor", "keys": "initial",
         "certificate": ours, "vendor": other["id"], "expect": "wrong_vendor"},
        {"name": "our certificate, vendor id with a trailing space", "keys": "initial",
         "certificate": ours, "vendor": vendor_id + " ", "expect": "wrong_vendor"},
    ]


def rotation_cases(url, api_key, binary, data_dir, old):
    keys_cli = [binary, "keys", "--data-dir", data_dir]
    subprocess.run(keys_cli + ["rotate"], check=True, capture_output=True)
    time.sleep(RELOAD_WAIT_SECONDS)
    new = issue(url, api_key, METADATA[0])
    rotated = call(url, "/api/v1/keys")
    old_key_id = old.split(".")[1]
    subprocess.run(keys_cli + ["retire", old_key_id], check=True, capture_output=True)
    time.sleep(RELOAD_WAIT_SECONDS)
    retired = call(url, "/api/v1/keys")
    cases = [
        {"name": "old generation after rotation", "keys": "rotated", "certificate": old,
         "expect": "valid"},
        {"name": "new generation after rotation", "keys": "rotated", "certificate": new,
         "expect": "valid", "metadata": METADATA[0]},
        {"name": "new generation, stale key set", "keys": "initial", "certificate": new,
         "expect": "unknown_key_id"},
        {"name": "old generation once retired", "keys": "retired", "certificate": old,
         "expect": "retired_key"},
    ]
    return {"rotated": rotated, "retired": retired}, cases


def make(url, out_path, binary=None, data_dir=None):
    email = f"sdk-{os.getpid()}-{time.time_ns()}@example.com"
    vendor = call(url, "/api/v1/customers/register",
                  {"email": email, "company_name": "Café Δ 株式会社", "plan": "professional"})
    certificates = [issue(url, vendor["api_key"], metadata) for metadata in METADATA]
    key_sets = {"initial": call(url, "/api/v1/keys")}
    cases = base_cases(certificates)
    cases += other_vendor_cases(url, vendor["id"], certificates[0])
    if binary and data_dir:
        more_keys, more_cases = rotation_cases(url, vendor["api_key"], binary, data_dir,
                                               certificates[0])
        key_sets.update(more_keys)
        cases += more_cases
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump({"vendor_id": vendor["id"], "key_sets": key_sets, "cases": cases}, out,
                  ensure_ascii=False, indent=1)
    print(f"cases: {len(cases)} written to {out_path}")


def check_rust(cases_path, binary):
    with open(cases_path, encoding="utf-8") as cases_file:
        document = json.load(cases_file)
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        for name, keys in document["key_sets"].items():
            with open(os.path.join(work, name), "w", encoding="utf-8") as keys_file:
                json.dump(keys, keys_file)
        for index, case in enumerate(document["cases"]):
            keys_path = os.path.join(work, case["keys"])
            if "keys_text" in case:
                keys_path = os.path.join(work, f"case-{index}.json")
                with open(keys_path, "w", encoding="utf-8") as keys_file:
                    keys_file.write(case["keys_text"])
            vendor = case.get("vendor", document["vendor_id"])
            command = [binary, "verify", "--keys", keys_path, "--vendor", vendor]
            if case.get("now"):
                command += ["--at", case["now"]]
            # Passed as the argument itself so the exact text, white space included, is checked.
            result = subprocess.run(command + [case["certificate"]], capture_output=True,
                                    check=False)
            outcome = rust_outcome(result)
            ok = outcome == case["expect"]
            if ok and outcome == "valid" and "metadata" in case:
                ok = json.loads(result.stdout)["metadata"] == case["metadata"]
            failed += not ok
            print(f"rust   {'ok  ' if ok else 'FAIL'} {case['name']}: {outcome}")
    print(f"rust verifier: {len(document['cases']) - failed} passed, {failed} failed")
    return 1 if failed else 0


def rust_outcome(result):
    """Exit 0 valid, 1 refused with a code, 2 input error (a bad key set among them)."""
    text = result.stderr.decode(errors="replace")
    marker = "certificate refused ("
    if result.returncode == 0:
        return "valid"
    if result.returncode == 1 and marker in text:
        return text.split(marker, 1)[1].split(")", 1)[0]
    if result.returncode == 2 and "is not a usable key set" in text:
        return "bad_key_set"
    return f"error (exit {result.returncode}): {text.strip()}"


if __name__ == "__main__":
    if sys.argv[1:2] == ["issue"] and len(sys.argv) in (4, 6):
        make(*sys.argv[2:])
    elif sys.argv[1:2] == ["rust"] and len(sys.argv) == 4:
        sys.exit(check_rust(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
