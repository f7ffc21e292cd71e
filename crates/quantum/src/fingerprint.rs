//! The versioned license fingerprint: a digest-shaped noisy circuit.
//!
//! Version 1 is defined on [`license_fingerprint`] and in `docs/quantum.md`.

use crate::circuit::{Circuit, CircuitError};
use crate::density::DensityMatrix;
use crate::gate::Mat2;
use crate::noise::{Channel, NoiseModel};
use crate::observables::trace_distance;
use crate::statevector::StateVector;

/// Version of the digest-to-circuit mapping and noise model below.
pub const FINGERPRINT_VERSION: u32 = 1;

/// Qubits of the fingerprint circuit.
pub const FINGERPRINT_QUBITS: u32 = 5;
const LAYERS: usize = 4;
/// Depolarizing probability after each single-qubit gate.
pub const FINGERPRINT_P1: f64 = 0.001;
/// Two-qubit depolarizing probability after each entangling gate.
pub const FINGERPRINT_P2: f64 = 0.004;
/// Amplitude- and phase-damping parameter on every qubit after each layer.
pub const FINGERPRINT_IDLE: f64 = 0.002;

/// What the fingerprint reports for one digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    /// Per qubit, qubit 0 first: `1 − ½‖ρ_q − σ_q‖₁`, one minus the trace
    /// distance between the noisy and the ideal reduced state of the qubit.
    pub qubit_values: Vec<f64>,
    /// `⟨ψ|ρ|ψ⟩` of the noisy state against the ideal one.
    pub fidelity: f64,
}

/// The angle `(2k + 1)·π/64` for the 6-bit code `k`.
fn angle(k: u64) -> f64 {
    (2 * k + 1) as f64 * std::f64::consts::PI / 64.0
}

/// The entangling gates of one layer: a chain over all qubits in the order
/// `0, s, 2s, … (mod 5)`.
fn entangle(c: &mut Circuit, code: u64) -> Result<(), CircuitError> {
    let n = u64::from(FINGERPRINT_QUBITS);
    let step = 1 + (code & 3);
    let use_cz = code & 4 != 0;
    let reverse = code & 8 != 0;
    for k in 0..n - 1 {
        let (mut a, mut b) = ((k * step) % n, ((k + 1) * step) % n);
        if reverse {
            (a, b) = (b, a);
        }
        let (a, b) = (a as u32, b as u32);
        if use_cz {
            c.cz(a, b)?
        } else {
            c.cx(a, b)?
        };
    }
    Ok(())
}

/// The unitary part of one layer, from its 64-bit word.
fn layer_circuit(word: u64) -> Result<Circuit, CircuitError> {
    let mut c = Circuit::new(FINGERPRINT_QUBITS);
    for q in 0..FINGERPRINT_QUBITS {
        let bits = word >> (12 * q);
        // RZ first and RY last: a final RZ would commute with the
        // phase-covariant noise and leave its digest bits without effect.
        let rot = Mat2::ry(angle(bits & 63)).mul(&Mat2::rz(angle((bits >> 6) & 63)));
        c.single(q, rot)?;
    }
    entangle(&mut c, word >> 60)?;
    Ok(c)
}

/// Maps a 32-byte digest to its fingerprint (version [`FINGERPRINT_VERSION`]).
///
/// The register starts in `|+⟩^⊗5` (prepared without noise). The digest is
/// read as four little-endian 64-bit words, one per layer. In a layer, qubit
/// `q` takes bits `12q..12q+6` as the code `k` of `RY((2k+1)π/64)` and the
/// next six bits as the code of `RZ((2k+1)π/64)`; the gate is `RY·RZ` (RZ
/// first), one noisy gate. Bits 60–63 pick the entangling chain. Noise:
/// [`FINGERPRINT_P1`], [`FINGERPRINT_P2`], and after each layer amplitude
/// then phase damping of [`FINGERPRINT_IDLE`] on every qubit.
///
/// Deterministic: same digest, same numbers on every machine (exact angle
/// codes, `libm` trigonometry, one fixed order of IEEE operations).
pub fn license_fingerprint(digest: &[u8; 32]) -> Fingerprint {
    #[expect(
        clippy::expect_used,
        reason = "fixed width and valid constant noise cannot fail"
    )]
    compute(digest).expect("fingerprint circuit is well formed")
}

fn compute(digest: &[u8; 32]) -> Result<Fingerprint, Box<dyn std::error::Error>> {
    let noise = NoiseModel::depolarizing(FINGERPRINT_P1, FINGERPRINT_P2);
    let idle: Vec<(u32, Channel)> = (0..FINGERPRINT_QUBITS)
        .flat_map(|q| {
            [
                (q, Channel::AmplitudeDamping(FINGERPRINT_IDLE)),
                (q, Channel::PhaseDamping(FINGERPRINT_IDLE)),
            ]
        })
        .collect();
    // Starting from |+…+⟩ keeps the first layer's RZ from being a bare phase.
    let mut prep = Circuit::new(FINGERPRINT_QUBITS);
    for q in 0..FINGERPRINT_QUBITS {
        prep.h(q)?;
    }
    let mut ideal = StateVector::from_circuit(&prep)?;
    let mut noisy = DensityMatrix::from_pure(&ideal)?;
    for chunk in digest.chunks_exact(32 / LAYERS) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let layer = layer_circuit(u64::from_le_bytes(word))?;
        ideal.run(&layer)?;
        noisy.run_noisy(&layer, &noise)?;
        noisy.apply_channels(&idle)?;
    }
    let mut qubit_values = Vec::with_capacity(FINGERPRINT_QUBITS as usize);
    for q in 0..FINGERPRINT_QUBITS {
        qubit_values.push(1.0 - trace_distance(&noisy.reduced(q)?, &ideal.reduced(q)?));
    }
    let fidelity = noisy.fidelity_with_pure(&ideal)?;
    Ok(Fingerprint {
        qubit_values,
        fidelity,
    })
}
