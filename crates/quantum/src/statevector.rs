//! Pure-state simulation on a vector of `2^n` amplitudes.

use ndarray::Array1;

use crate::circuit::{Circuit, Gate};
use crate::error::{SimError, same_width};
use crate::gate::{C64, Mat2};
use crate::kernels;

/// Widest register the state-vector simulator accepts (4 GiB of amplitudes).
pub const MAX_STATEVECTOR_QUBITS: u32 = 28;

/// A pure state `|ψ⟩ = Σ ψ_i |i⟩`, where bit `q` of `i` is qubit `q`.
#[derive(Debug, Clone, PartialEq)]
pub struct StateVector {
    num_qubits: u32,
    amps: Array1<C64>,
}

impl StateVector {
    /// The state `|0…0⟩` on `num_qubits` qubits.
    pub fn zero(num_qubits: u32) -> Result<Self, SimError> {
        if num_qubits > MAX_STATEVECTOR_QUBITS {
            return Err(SimError::TooManyQubits {
                requested: num_qubits,
                limit: MAX_STATEVECTOR_QUBITS,
                kind: "state-vector",
            });
        }
        let mut amps = Array1::zeros(1usize << num_qubits);
        amps[0] = C64::new(1.0, 0.0);
        Ok(Self { num_qubits, amps })
    }

    /// Runs `circuit` from `|0…0⟩`.
    pub fn from_circuit(circuit: &Circuit) -> Result<Self, SimError> {
        let mut state = Self::zero(circuit.num_qubits())?;
        state.run(circuit)?;
        Ok(state)
    }

    /// Register width.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }

    /// The amplitudes, indexed little-endian (qubit 0 is bit 0).
    pub fn amplitudes(&self) -> &Array1<C64> {
        &self.amps
    }

    fn slice(&self) -> &[C64] {
        #[expect(clippy::expect_used, reason = "built contiguous and never re-strided")]
        self.amps.as_slice().expect("contiguous amplitudes")
    }

    fn flat(&mut self) -> &mut [C64] {
        #[expect(clippy::expect_used, reason = "built contiguous and never re-strided")]
        self.amps.as_slice_mut().expect("contiguous amplitudes")
    }

    /// Applies one gate in place.
    pub fn apply(&mut self, gate: &Gate) {
        apply_gate(self.flat(), gate);
    }

    /// Applies a circuit of the same width, fusing single-qubit runs first.
    pub fn run(&mut self, circuit: &Circuit) -> Result<(), SimError> {
        same_width(self.num_qubits, circuit.num_qubits())?;
        for gate in circuit.fused().gates() {
            self.apply(gate);
        }
        Ok(())
    }

    /// `⟨ψ|ψ⟩`.
    pub fn norm_sqr(&self) -> f64 {
        self.amps.iter().map(|a| a.norm_sqr()).sum()
    }

    /// Born-rule probability of each basis state.
    pub fn probabilities(&self) -> Vec<f64> {
        self.amps.iter().map(|a| a.norm_sqr()).collect()
    }

    /// `⟨self|other⟩`.
    pub fn inner(&self, other: &StateVector) -> C64 {
        self.amps.iter().zip(other.amps.iter()).map(|(a, b)| a.conj() * b).sum()
    }

    /// Reduced density matrix of qubit `q` (partial trace over the others).
    pub fn reduced(&self, q: u32) -> Result<Mat2, SimError> {
        if q >= self.num_qubits {
            return Err(SimError::QubitOutOfRange { qubit: q, width: self.num_qubits });
        }
        let half = 1usize << q;
        let (mut p0, mut p1, mut coh) = (0.0, 0.0, C64::new(0.0, 0.0));
        for chunk in self.slice().chunks_exact(2 * half) {
            let (lo, hi) = chunk.split_at(half);
            for (a, b) in lo.iter().zip(hi) {
                p0 += a.norm_sqr();
                p1 += b.norm_sqr();
                coh += a * b.conj();
            }
        }
        Ok(Mat2::new(C64::new(p0, 0.0), coh, coh.conj(), C64::new(p1, 0.0)))
    }
}

/// Applies `gate` to a flat state of any width.
pub(crate) fn apply_gate(v: &mut [C64], gate: &Gate) {
    match *gate {
        Gate::Single { q, m } => kernels::mat1(v, q, &m),
        Gate::Controlled { control, target, m } => kernels::ctrl1(v, control, target, &m),
        Gate::Swap { a, b } => kernels::swap(v, a, b),
        Gate::MultiControlled { controls, target, m } => kernels::mctrl(v, controls, target, &m),
    }
}
