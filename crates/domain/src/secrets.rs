//! Uniform random identifiers and keys drawn from the [`Entropy`] port.

use crate::ports::{Entropy, EntropyError};

/// Lowercase letters and digits, for customer ids.
pub const LOWER_ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// Letters and digits, for API keys.
pub const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Uppercase letters and digits without the look-alikes 0/O, 1/I/L, for license keys that
/// people read aloud and type.
pub const UNAMBIGUOUS: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// `len` characters drawn uniformly from `alphabet` (at most 256 symbols).
///
/// Bytes that would bias the draw (those at or above the largest multiple of the alphabet's
/// size) are rejected and redrawn.
///
/// # Errors
/// Fails only when the entropy source fails.
pub fn random_string(
    entropy: &dyn Entropy,
    alphabet: &[u8],
    len: usize,
) -> Result<String, EntropyError> {
    let n_symbols = alphabet.len();
    debug_assert!((1..=256).contains(&n_symbols));
    let accept_below = 256 - 256 % n_symbols;
    let mut out = String::with_capacity(len);
    let mut buffer = [0u8; 64];
    while out.len() < len {
        entropy.fill(&mut buffer)?;
        for &byte in &buffer {
            let byte = usize::from(byte);
            if byte < accept_below
                && let Some(&symbol) = alphabet.get(byte % n_symbols)
            {
                out.push(char::from(symbol));
                if out.len() == len {
                    break;
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A deterministic byte stream for tests: a counter, so draws are reproducible.
    #[derive(Debug, Default)]
    pub(crate) struct CountingEntropy(Mutex<u8>);

    impl Entropy for CountingEntropy {
        fn fill(&self, buffer: &mut [u8]) -> Result<(), EntropyError> {
            let mut next = self.0.lock().map_err(|_| EntropyError)?;
            for byte in buffer {
                *byte = *next;
                *next = next.wrapping_add(1);
            }
            Ok(())
        }
    }

    #[test]
    fn draws_only_from_the_alphabet_without_bias() {
        let entropy = CountingEntropy::default();
        let text = random_string(&entropy, UNAMBIGUOUS, 31 * 8).unwrap_or_default();
        assert_eq!(text.len(), 31 * 8);
        for symbol in UNAMBIGUOUS {
            let count = text.bytes().filter(|byte| byte == symbol).count();
            assert_eq!(count, 8, "symbol {}", char::from(*symbol));
        }
    }

    #[test]
    fn look_alikes_are_excluded() {
        for symbol in b"01OIL" {
            assert!(!UNAMBIGUOUS.contains(symbol));
        }
    }
}
