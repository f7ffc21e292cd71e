//! The quantum signature: a license's fingerprint from a simulated noisy circuit.
//!
//! It is recomputable by anyone holding the license content and so proves consistency, not
//! authenticity; Ed25519 signatures are the security boundary.

use std::fmt::Write as _;

/// Agreement required between a stored value and its recomputation: one unit in the fourth
/// decimal, since values are published with four decimals.
const TOLERANCE: f64 = 1e-4;

/// Per-qubit values and the overall state fidelity, rounded to four decimals.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantumSignature {
    qubit_values: Vec<f64>,
    fidelity: f64,
}

impl QuantumSignature {
    /// Simulates the circuit derived from `digest`.
    pub fn compute(digest: &[u8; 32]) -> Self {
        let fingerprint = quantum::license_fingerprint(digest);
        QuantumSignature {
            qubit_values: fingerprint.qubit_values.into_iter().map(round4).collect(),
            fidelity: round4(fingerprint.fidelity),
        }
    }

    /// Rebuilds a signature from its stored text form (`q1:0.9876|q2:...`) and fidelity.
    ///
    /// # Errors
    /// A message naming the malformed part.
    pub fn from_stored(text: &str, fidelity: f64) -> Result<Self, String> {
        let qubit_values = text
            .split('|')
            .enumerate()
            .map(|(idx, entry)| {
                let expected_label = format!("q{}", idx + 1);
                match entry.split_once(':') {
                    Some((label, value)) if label == expected_label => value
                        .parse::<f64>()
                        .map_err(|error| format!("bad value in {entry:?}: {error}")),
                    _ => Err(format!("bad quantum signature entry {entry:?}")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(QuantumSignature {
            qubit_values,
            fidelity,
        })
    }

    pub fn fidelity(&self) -> f64 {
        self.fidelity
    }

    pub fn qubit_values(&self) -> &[f64] {
        &self.qubit_values
    }

    /// Whether recomputing from `digest` reproduces this signature within tolerance.
    pub fn matches(&self, digest: &[u8; 32]) -> bool {
        let fresh = QuantumSignature::compute(digest);
        let close = |a: f64, b: f64| (a - b).abs() <= TOLERANCE;
        fresh.qubit_values.len() == self.qubit_values.len()
            && close(fresh.fidelity, self.fidelity)
            && fresh
                .qubit_values
                .iter()
                .zip(&self.qubit_values)
                .all(|(a, b)| close(*a, *b))
    }

    /// The published form: `q1:0.9876|q2:0.9823|...`, four decimals each.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for (idx, value) in self.qubit_values.iter().enumerate() {
            if idx > 0 {
                text.push('|');
            }
            let _ = write!(text, "q{}:{value:.4}", idx + 1);
        }
        text
    }
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips() {
        let signature = QuantumSignature::compute(&[7u8; 32]);
        let text = signature.to_text();
        assert!(text.starts_with("q1:"), "{text}");
        let parsed = QuantumSignature::from_stored(&text, signature.fidelity());
        assert_eq!(parsed.as_ref(), Ok(&signature));
        assert!(signature.matches(&[7u8; 32]));
    }

    #[test]
    fn a_different_digest_does_not_match() {
        let signature = QuantumSignature::compute(&[7u8; 32]);
        let mut other = [7u8; 32];
        other[31] ^= 1;
        assert!(!signature.matches(&other));
    }

    #[test]
    fn tampered_values_do_not_match() {
        let signature = QuantumSignature::compute(&[9u8; 32]);
        let mut tampered = signature.clone();
        tampered.fidelity -= 0.0002;
        assert!(!tampered.matches(&[9u8; 32]));
    }

    #[test]
    fn malformed_text_is_refused() {
        for bad in ["", "q1", "q2:0.5", "q1:0.5|q3:0.5", "q1:abc"] {
            assert!(QuantumSignature::from_stored(bad, 0.9).is_err(), "{bad}");
        }
    }
}
