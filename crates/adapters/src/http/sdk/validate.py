"""Validate a QuantumLock license.

Online, standard library only:   python3 validate.py QCOS-XXXX-XXXX-XXXX-XXXX
Offline, with a certificate:     python3 validate.py --offline keys.json license.qlc
  (keys.json is a saved GET /api/v1/keys; needs `pip install quantumlock-verify` from the
  QuantumLock repository's sdks/python, which checks Ed25519 and ML-DSA-65 signatures)

Set QUANTUMLOCK_VENDOR_ID to your own customer id (cust_..., from registration or
GET /api/v1/customers/me), or fill in VENDOR_ID below. QuantumLock serves every vendor and
signs every vendor's licenses with the same keys, so a license is only yours when its
customer_id is your id: any other vendor's license is refused (wrong_vendor).
"""
import json
import os
import sys
import urllib.request

BASE_URL = os.environ.get("QUANTUMLOCK_URL", "http://127.0.0.1:8000")
VENDOR_ID = os.environ.get("QUANTUMLOCK_VENDOR_ID", "")


def validate(license_key):
    request = urllib.request.Request(
        BASE_URL + "/api/v1/licenses/validate",
        data=json.dumps({"license_key": license_key}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        result = json.load(response)
    if result["valid"] and result.get("customer_id") != VENDOR_ID:
        return {"valid": False, "reason": "wrong_vendor"}
    return result


def verify_offline(keys_path, certificate_path):
    from quantumlock_verify import KeySet, VerifyError, verify

    with open(keys_path, encoding="utf-8") as keys_file:
        keys = KeySet.from_json(keys_file.read())
    with open(certificate_path, encoding="utf-8") as certificate_file:
        certificate = certificate_file.read().strip()
    try:
        return dict(verify(keys, certificate, vendor_id=VENDOR_ID), valid=True)
    except VerifyError as error:
        return {"valid": False, "reason": error.code}


if not VENDOR_ID.startswith("cust_"):
    print("set QUANTUMLOCK_VENDOR_ID to your QuantumLock customer id (cust_...)", file=sys.stderr)
    sys.exit(2)
if len(sys.argv) not in (2, 4) or (len(sys.argv) == 4 and sys.argv[1] != "--offline"):
    print(__doc__, file=sys.stderr)
    sys.exit(2)
if sys.argv[1] == "--offline":
    result = verify_offline(sys.argv[2], sys.argv[3])
else:
    result = validate(sys.argv[1])
if result["valid"]:
    print("valid until", result["expires_at"], "features:", ", ".join(result["features"]))
else:
    print("invalid:", result.get("reason", "unknown"))
sys.exit(0 if result["valid"] else 1)
