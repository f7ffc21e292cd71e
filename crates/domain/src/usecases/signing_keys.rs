//! Anyone fetches the public keys that verify license certificates offline.

use sdk::KeysDocument;

use crate::ports::SignerError;
use crate::service::Licensing;

impl Licensing {
    /// Every key generation's public keys with its status, oldest first.
    ///
    /// # Errors
    /// [`SignerError`] when the key set cannot be read.
    pub fn signing_keys(&self) -> Result<KeysDocument, SignerError> {
        self.signer.public_keys()
    }
}

#[cfg(test)]
mod tests {
    use crate::usecases::fixtures::Fixture;

    #[test]
    fn lists_the_generation_that_signs() {
        let fixture = Fixture::new();
        let vendor = fixture.vendor("a@b.co");
        let request = crate::usecases::fixtures::generate_request(None);
        let issued = fixture.licensing.generate_license(&vendor, request);
        let keys = fixture.licensing.signing_keys();
        let (Ok(issued), Ok(keys)) = (issued, keys) else {
            panic!("generation or key listing failed")
        };
        let [entry] = &keys.keys[..] else {
            panic!("{keys:?}")
        };
        assert!(
            issued
                .certificate
                .starts_with(&format!("QLC1.{}.", entry.key_id))
        );
    }
}
