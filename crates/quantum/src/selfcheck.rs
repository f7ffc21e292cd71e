//! Start-up self-check: known circuits whose answers are known exactly.

use crate::circuit::Circuit;
use crate::density::DensityMatrix;
use crate::error::SimError;
use crate::gate::{C64, Mat2};
use crate::noise::NoiseModel;
use crate::statevector::StateVector;

const TOLERANCE: f64 = 1e-12;

/// A self-check failure: which case and by how much.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SelfCheckError {
    /// A simulated value differs from the known answer.
    #[error("self-check case `{case}`: got {got}, expected {expected}")]
    Mismatch {
        /// Name of the failing case.
        case: &'static str,
        /// Simulated value.
        got: f64,
        /// Known answer.
        expected: f64,
    },
    /// The simulator refused a known-good circuit.
    #[error("self-check case `{case}` could not run: {source}")]
    Simulator {
        /// Name of the failing case.
        case: &'static str,
        /// The simulator's error.
        source: SimError,
    },
}

fn expect_close(case: &'static str, got: f64, expected: f64) -> Result<(), SelfCheckError> {
    expect_within(case, got, expected, TOLERANCE)
}

fn expect_within(
    case: &'static str,
    got: f64,
    expected: f64,
    tolerance: f64,
) -> Result<(), SelfCheckError> {
    if (got - expected).abs() <= tolerance {
        Ok(())
    } else {
        Err(SelfCheckError::Mismatch {
            case,
            got,
            expected,
        })
    }
}

fn sim<T>(case: &'static str, r: Result<T, SimError>) -> Result<T, SelfCheckError> {
    r.map_err(|source| SelfCheckError::Simulator { case, source })
}

fn build(n: u32, f: impl FnOnce(&mut Circuit) -> Result<(), crate::CircuitError>) -> Circuit {
    let mut c = Circuit::new(n);
    // A malformed fixed circuit leaves it short, which the answers then catch.
    let _ = f(&mut c);
    c
}

fn amplitudes(case: &'static str, c: &Circuit, want: &[C64]) -> Result<(), SelfCheckError> {
    let psi = sim(case, StateVector::from_circuit(c))?;
    for (got, exp) in psi.amplitudes().iter().zip(want) {
        expect_close(case, got.re, exp.re)?;
        expect_close(case, got.im, exp.im)?;
    }
    expect_close(case, psi.amplitudes().len() as f64, want.len() as f64)
}

/// Known circuits with known answers; run at server start for `/health`'s
/// `quantum_ready`. Takes well under a millisecond in release builds.
pub fn self_check() -> Result<(), SelfCheckError> {
    let r = std::f64::consts::FRAC_1_SQRT_2;
    let (z, h) = (C64::new(0.0, 0.0), C64::new(r, 0.0));
    let bell = build(2, |c| c.h(0)?.cx(0, 1).map(|_| ()));
    amplitudes("bell", &bell, &[h, z, z, h])?;
    let little_endian = build(3, |c| c.x(1).map(|_| ()));
    let one = C64::new(1.0, 0.0);
    amplitudes(
        "qubit 0 is the low bit",
        &little_endian,
        &[z, z, one, z, z, z, z, z],
    )?;
    let hzh = build(1, |c| c.h(0)?.single(0, Mat2::z())?.h(0).map(|_| ()));
    amplitudes("HZH = X", &hzh, &[z, one])?;
    let ghz = build(3, |c| c.h(0)?.cx(0, 1)?.cx(1, 2).map(|_| ()));
    amplitudes("ghz", &ghz, &[h, z, z, z, z, z, z, h])?;
    check_depolarizing()?;
    check_fingerprint()
}

/// `|+⟩` under depolarizing `p` keeps fidelity `1 − p/2`; the noiseless
/// density matrix of the GHZ circuit is `|ψ⟩⟨ψ|`.
fn check_depolarizing() -> Result<(), SelfCheckError> {
    let case = "depolarizing fidelity";
    let plus = build(1, |c| c.h(0).map(|_| ()));
    let psi = sim(case, StateVector::from_circuit(&plus))?;
    let mut rho = sim(case, DensityMatrix::zero(1))?;
    sim(
        case,
        rho.run_noisy(&plus, &NoiseModel::depolarizing(0.3, 0.0)),
    )?;
    expect_close(case, sim(case, rho.fidelity_with_pure(&psi))?, 0.85)?;
    expect_close(case, rho.trace().re, 1.0)
}

/// Version-1 fingerprint of the digest `[0x5a; 32]`, as pinned by the
/// crate's tests: a machine that computes other numbers must not serve.
const GOLDEN_QUBITS: [f64; 5] = [
    0.9897238049579682,
    0.9890371020877627,
    0.9881074736454026,
    0.9888962661842075,
    0.9870141736826111,
];
const GOLDEN_FIDELITY: f64 = 0.9098810123882871;

fn check_fingerprint() -> Result<(), SelfCheckError> {
    let case = "fingerprint v1 of [0x5a; 32]";
    let got = crate::license_fingerprint(&[0x5a; 32]);
    // Looser than the exact cases: the golden values went through decimal.
    let close = |got: f64, expected: f64| expect_within(case, got, expected, 1e-10);
    for (v, want) in got.qubit_values.iter().zip(GOLDEN_QUBITS) {
        close(*v, want)?;
    }
    close(got.qubit_values.len() as f64, GOLDEN_QUBITS.len() as f64)?;
    close(got.fidelity, GOLDEN_FIDELITY)
}
