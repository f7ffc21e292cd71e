"""Validate a QuantumLock license.

Online, standard library only:   python3 validate.py QCOS-XXXX-XXXX-XXXX-XXXX
Offline, with a certificate:     python3 validate.py --offline keys.json license.qlc
  (keys.json is a saved GET /api/v1/keys; needs `pip install quantumlock-verify` from the
  QuantumLock repository's sdks/python, which checks Ed25519 and ML-DSA-65 signatures)
"""
import json
import os
import sys
import urllib.request

BASE_URL = os.environ.get("QUANTUMLOCK_URL", "http://127.0.0.1:8000")


def validate(license_key):
    request = urllib.request.Request(
        BASE_URL + "/api/v1/licenses/validate",
        data=json.dumps({"license_key": license_key}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def verify_offline(keys_path, certificate_path):
    from quantumlock_verify import KeySet, VerifyError, verify

    with open(keys_path, encoding="utf-8") as keys_file:
        keys = KeySet.from_json(keys_file.read())
    with open(certificate_path, encoding="utf-8") as certificate_file:
        certificate = certificate_file.read().strip()
    try:
        return dict(verify(keys, certificate), valid=True)
    except VerifyError as error:
        return {"valid": False, "reason": error.code}


if sys.argv[1] == "--offline":
    result = verify_offline(sys.argv[2], sys.argv[3])
else:
    result = validate(sys.argv[1])
if result["valid"]:
    print("valid until", result["expires_at"], "features:", ", ".join(result["features"]))
else:
    print("invalid:", result.get("reason", "unknown"))
sys.exit(0 if result["valid"] else 1)
