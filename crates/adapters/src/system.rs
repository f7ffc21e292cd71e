//! The operating system's clock and random generator, as domain ports.

use chrono::{DateTime, Utc};
use domain::{Clock, Entropy, EntropyError};

/// Wall-clock time in UTC.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The kernel's CSPRNG (`getrandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&self, buffer: &mut [u8]) -> Result<(), EntropyError> {
        getrandom::fill(buffer).map_err(|_| EntropyError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_entropy_fills_the_whole_buffer() {
        let mut first = [0u8; 64];
        let mut second = [0u8; 64];
        assert!(OsEntropy.fill(&mut first).is_ok());
        assert!(OsEntropy.fill(&mut second).is_ok());
        assert_ne!(first, second);
    }
}
