#![doc = include_str!("../README.md")]

mod circuit;
mod density;
mod error;
mod fingerprint;
mod gate;
pub mod kernels;
mod noise;
mod observables;
pub mod schedule;
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
pub use noise::{Channel, NoiseModel, covariant_form, kraus_superop};
pub use observables::{
    hermitian_det, trace_distance, uhlmann_fidelity, uhlmann_fidelity_with_dets,
};
pub use selfcheck::{SelfCheckError, self_check};
pub use statevector::{EXACT_DET_QUBITS, MAX_STATEVECTOR_QUBITS, StateVector};
