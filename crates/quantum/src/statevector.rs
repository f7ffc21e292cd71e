//! Pure-state simulation on a vector of `2^n` amplitudes.

use ndarray::Array1;

use crate::circuit::{Circuit, Gate};
use crate::error::{SimError, same_width};
use crate::gate::{C64, Mat2};
use crate::kernels;
use crate::observables::{hermitian_det, uhlmann_fidelity_with_dets};
use crate::schedule::{self, Op};

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
        check_width(num_qubits)?;
        let mut amps = Array1::zeros(1usize << num_qubits);
        amps[0] = C64::new(1.0, 0.0);
        Ok(Self { num_qubits, amps })
    }

    /// The basis state `|index⟩` on `num_qubits` qubits.
    pub fn basis(num_qubits: u32, index: usize) -> Result<Self, SimError> {
        let mut state = Self::zero(num_qubits)?;
        let dim = state.amps.len();
        if index >= dim {
            return Err(SimError::BadLength {
                len: index,
                why: "basis index beyond the dimension",
            });
        }
        state.amps[0] = C64::new(0.0, 0.0);
        state.amps[index] = C64::new(1.0, 0.0);
        Ok(state)
    }

    /// A state with the given amplitudes (not renormalised); the length must
    /// be a power of two.
    pub fn from_amplitudes(amps: Vec<C64>) -> Result<Self, SimError> {
        if !amps.len().is_power_of_two() {
            return Err(SimError::BadLength {
                len: amps.len(),
                why: "not a power of two",
            });
        }
        let num_qubits = amps.len().trailing_zeros();
        check_width(num_qubits)?;
        Ok(Self {
            num_qubits,
            amps: Array1::from(amps),
        })
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

    /// Applies one gate in place, after checking its qubits.
    pub fn apply(&mut self, gate: &Gate) -> Result<(), SimError> {
        gate.check(self.num_qubits)?;
        apply_gate(self.flat(), gate);
        Ok(())
    }

    /// Applies a circuit of the same width, fusing single-qubit runs first.
    pub fn run(&mut self, circuit: &Circuit) -> Result<(), SimError> {
        same_width(self.num_qubits, circuit.num_qubits())?;
        let ops: Vec<Op> = circuit
            .fused()
            .gates()
            .iter()
            .map(|g| Op::Gate(*g))
            .collect();
        schedule::execute(self.flat(), &ops);
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
        self.amps
            .iter()
            .zip(other.amps.iter())
            .map(|(a, b)| a.conj() * b)
            .sum()
    }

    /// Reduced density matrix of qubit `q` (partial trace over the others).
    pub fn reduced(&self, q: u32) -> Result<Mat2, SimError> {
        if q >= self.num_qubits {
            return Err(SimError::QubitOutOfRange {
                qubit: q,
                width: self.num_qubits,
            });
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
        Ok(Mat2::new(
            C64::new(p0, 0.0),
            coh,
            coh.conj(),
            C64::new(p1, 0.0),
        ))
    }
}

impl StateVector {
    /// Uhlmann fidelity between the qubit state `rho` and the reduced state
    /// of qubit `q` of `self`, with the determinant of the latter computed
    /// without cancellation (see [`StateVector::reduced_determinant`]).
    pub fn qubit_fidelity(&self, q: u32, rho: &Mat2) -> Result<f64, SimError> {
        let sigma = self.reduced(q)?;
        let det = self.reduced_determinant(q)?;
        Ok(uhlmann_fidelity_with_dets(
            rho,
            &sigma,
            hermitian_det(rho),
            det,
        ))
    }

    /// `det` of the reduced state of qubit `q`. For a nearly unentangled
    /// qubit, `p0·p1 − |c|²` cancels to rounding noise whose square root then
    /// dominates the fidelity, so up to [`EXACT_DET_QUBITS`] qubits the
    /// Lagrange identity `Σ_{i<j} |a_i b_j − a_j b_i|²` (a sum of
    /// non-negative terms) is used instead.
    pub fn reduced_determinant(&self, q: u32) -> Result<f64, SimError> {
        let sigma = self.reduced(q)?;
        let direct = hermitian_det(&sigma);
        let scale = sigma.0[0][0].re * sigma.0[1][1].re;
        if direct > 1e-6 * scale || self.num_qubits > EXACT_DET_QUBITS {
            return Ok(direct);
        }
        let half = 1usize << q;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for chunk in self.slice().chunks_exact(2 * half) {
            a.extend_from_slice(&chunk[..half]);
            b.extend_from_slice(&chunk[half..]);
        }
        let mut sum = 0.0;
        for i in 0..a.len() {
            for j in i + 1..a.len() {
                sum += (a[i] * b[j] - a[j] * b[i]).norm_sqr();
            }
        }
        Ok(sum)
    }
}

fn check_width(num_qubits: u32) -> Result<(), SimError> {
    if num_qubits > MAX_STATEVECTOR_QUBITS {
        return Err(SimError::TooManyQubits {
            requested: num_qubits,
            limit: MAX_STATEVECTOR_QUBITS,
            kind: "state-vector",
        });
    }
    Ok(())
}

/// Widest state for which [`StateVector::reduced_determinant`] uses the
/// quadratic-cost exact sum.
pub const EXACT_DET_QUBITS: u32 = 14;

/// Applies `gate` to a flat state of any width.
pub(crate) fn apply_gate(v: &mut [C64], gate: &Gate) {
    match *gate {
        Gate::Single { q, m } => kernels::mat1(v, q, &m),
        Gate::Controlled { control, target, m } => kernels::ctrl1(v, control, target, &m),
        Gate::Swap { a, b } => kernels::swap(v, a, b),
        Gate::MultiControlled {
            controls,
            target,
            m,
        } => kernels::mctrl(v, controls, target, &m),
    }
}
