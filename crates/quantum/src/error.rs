//! Errors raised when a simulation cannot be set up.

/// Why a simulator refused a request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The register is wider than the simulator supports.
    #[error("{requested} qubits exceed the {limit}-qubit limit of the {kind} simulator")]
    TooManyQubits {
        /// Requested width.
        requested: u32,
        /// Largest supported width.
        limit: u32,
        /// `"state-vector"` or `"density-matrix"`.
        kind: &'static str,
    },
    /// A circuit or state of another width was passed.
    #[error("width mismatch: expected {expected} qubits, got {actual}")]
    WidthMismatch {
        /// Width of the simulator.
        expected: u32,
        /// Width of the argument.
        actual: u32,
    },
    /// A channel parameter lies outside the range where the map is CPTP.
    #[error("noise parameter {value} is outside [0, {max}]")]
    BadNoise {
        /// The offending value.
        value: f64,
        /// Largest valid value.
        max: f64,
    },
    /// The noise model defines no channel for gates on this many qubits.
    #[error("the noise model defines no channel for {arity}-qubit gates")]
    NoNoiseFor {
        /// Number of qubits of the gate.
        arity: usize,
    },
    /// A gate names a qubit outside the register or the same qubit twice.
    #[error("invalid gate: {0}")]
    BadGate(#[from] crate::circuit::CircuitError),
    /// An amplitude vector or basis index does not fit a register.
    #[error("length or index {len} is unusable: {why}")]
    BadLength {
        /// The offending length or index.
        len: usize,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A qubit index is not below the register width.
    #[error("qubit {qubit} is out of range for {width} qubits")]
    QubitOutOfRange {
        /// The offending qubit.
        qubit: u32,
        /// Register width.
        width: u32,
    },
}

/// Fails when `width` ≠ `expected`.
pub(crate) fn same_width(expected: u32, width: u32) -> Result<(), SimError> {
    if expected == width {
        Ok(())
    } else {
        Err(SimError::WidthMismatch {
            expected,
            actual: width,
        })
    }
}
