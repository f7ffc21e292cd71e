//! How a license maps onto the signed certificate payload defined in `quantumlock-sdk`.

use sdk::LicensePayload;

use crate::license::License;
use crate::time::rfc3339;

/// The payload a certificate for `license` carries; the signer fills in `key_id`.
pub fn payload_for(license: &License) -> LicensePayload {
    LicensePayload {
        license_key: license.key.as_str().to_owned(),
        customer_id: license.customer_id.as_str().to_owned(),
        end_customer_id: license.end_customer_id.as_str().to_owned(),
        features: license.features.as_slice().to_vec(),
        issued_at: rfc3339(license.issued_at),
        expires_at: rfc3339(license.expires_at),
        metadata: license.metadata.as_map().clone(),
        quantum_signature: license.quantum.to_text(),
        quantum_fidelity: license.quantum.fidelity(),
        key_id: String::new(),
    }
}

/// Whether a verified payload describes the stored license, field for field.
pub fn describes(payload: &LicensePayload, license: &License) -> bool {
    let expected = LicensePayload {
        key_id: payload.key_id.clone(),
        ..payload_for(license)
    };
    *payload == expected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usecases::fixtures::{Fixture, generate_request};

    #[test]
    fn payload_describes_its_license_and_nothing_else() {
        let fixture = Fixture::new();
        let vendor = fixture.vendor("a@b.co");
        let issued = fixture
            .licensing
            .generate_license(&vendor, generate_request(None));
        let Ok(issued) = issued else {
            panic!("{issued:?}")
        };
        let mut payload = payload_for(&issued.license);
        payload.key_id = "0123456789abcdef".to_owned();
        assert!(describes(&payload, &issued.license));
        payload.features.push("extra".to_owned());
        assert!(!describes(&payload, &issued.license));
    }
}
