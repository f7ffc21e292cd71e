#![doc = include_str!("../README.md")]

mod circuit;
mod density;
mod error;
mod fingerprint;
mod gate;
pub mod kernels;
mod noise;
mod observables;
mod selfcheck;
mod statevector;

pub use circuit::{Circuit, CircuitError, Gate};
pub use density::{DensityMatrix, MAX_DENSITY_QUBITS};
pub use error::SimError;
pub use fingerprint::{
    FINGERPRINT_IDLE, FINGERPRINT_P1, FINGERPRINT_P2, FINGERPRINT_QUBITS, FINGERPRINT_VERSION,
    Fingerprint, license_fingerprint,
};
pub use gate::{C64, Mat2, cis};
pub use noise::{Channel, NoiseModel, kraus_superop};
pub use observables::{trace_distance, uhlmann_fidelity};
pub use selfcheck::{SelfCheckError, self_check};
pub use statevector::{MAX_STATEVECTOR_QUBITS, StateVector};
