//! Mixed-state simulation on a `2^n × 2^n` density matrix.
//!
//! The matrix is stored row-major, so its flat index is `row·2^n + col`: the
//! column's qubit `q` is flat bit `q` and the row's qubit `q` is flat bit
//! `n + q`. `U ρ U†` is then `U` on the row bit and `conj(U)` on the column
//! bit, applied with the same strided kernels as the state vector.

use ndarray::Array2;

use crate::circuit::{Circuit, Gate};
use crate::error::{SimError, same_width};
use crate::gate::{C64, Mat2};
use crate::kernels;
use crate::noise::{Channel, NoiseModel};
use crate::statevector::{StateVector, apply_gate};

/// Widest register the density-matrix simulator accepts (1 GiB of entries).
pub const MAX_DENSITY_QUBITS: u32 = 13;

/// A density matrix `ρ` on `n` qubits.
#[derive(Debug, Clone, PartialEq)]
pub struct DensityMatrix {
    num_qubits: u32,
    rho: Array2<C64>,
}

impl DensityMatrix {
    /// `|0…0⟩⟨0…0|`.
    pub fn zero(num_qubits: u32) -> Result<Self, SimError> {
        if num_qubits > MAX_DENSITY_QUBITS {
            return Err(SimError::TooManyQubits {
                requested: num_qubits,
                limit: MAX_DENSITY_QUBITS,
                kind: "density-matrix",
            });
        }
        let dim = 1usize << num_qubits;
        let mut rho = Array2::zeros((dim, dim));
        rho[(0, 0)] = C64::new(1.0, 0.0);
        Ok(Self { num_qubits, rho })
    }

    /// `|ψ⟩⟨ψ|`.
    pub fn from_pure(psi: &StateVector) -> Result<Self, SimError> {
        let mut out = Self::zero(psi.num_qubits())?;
        let a = psi.amplitudes();
        out.rho = Array2::from_shape_fn(out.rho.dim(), |(r, c)| a[r] * a[c].conj());
        Ok(out)
    }

    /// Register width.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }

    /// The matrix `ρ[row, col]`.
    pub fn matrix(&self) -> &Array2<C64> {
        &self.rho
    }

    fn slice(&self) -> &[C64] {
        #[expect(clippy::expect_used, reason = "built in standard layout, never re-strided")]
        self.rho.as_slice().expect("standard layout")
    }

    fn flat(&mut self) -> &mut [C64] {
        #[expect(clippy::expect_used, reason = "built in standard layout, never re-strided")]
        self.rho.as_slice_mut().expect("standard layout")
    }

    fn check_qubit(&self, q: u32) -> Result<(), SimError> {
        if q < self.num_qubits {
            Ok(())
        } else {
            Err(SimError::QubitOutOfRange { qubit: q, width: self.num_qubits })
        }
    }

    /// `ρ ↦ U ρ U†` for one gate.
    pub fn apply(&mut self, gate: &Gate) {
        let n = self.num_qubits;
        let v = self.flat();
        apply_gate(v, &row_side(gate, n));
        apply_gate(v, &column_side(gate));
    }

    /// Applies a noiseless circuit, fusing single-qubit runs first.
    pub fn run(&mut self, circuit: &Circuit) -> Result<(), SimError> {
        same_width(self.num_qubits, circuit.num_qubits())?;
        for gate in circuit.fused().gates() {
            self.apply(gate);
        }
        Ok(())
    }

    /// Applies `circuit` gate by gate with the channels of `noise` after each.
    pub fn run_noisy(&mut self, circuit: &Circuit, noise: &NoiseModel) -> Result<(), SimError> {
        same_width(self.num_qubits, circuit.num_qubits())?;
        noise.validate()?;
        if noise.is_noiseless() {
            return self.run(circuit);
        }
        for gate in circuit.gates() {
            self.apply(gate);
            match *gate {
                Gate::Single { q, .. } => {
                    for ch in &noise.one_qubit {
                        self.apply_channel(q, ch)?;
                    }
                }
                Gate::Controlled { control: a, target: b, .. } | Gate::Swap { a, b } => {
                    self.depolarize2(a, b, noise.two_qubit_depolarizing)?;
                }
                Gate::MultiControlled { .. } => {
                    return Err(SimError::NoNoiseFor { arity: gate.arity() });
                }
            }
        }
        Ok(())
    }

    /// Applies a single-qubit channel to qubit `q`.
    pub fn apply_channel(&mut self, q: u32, channel: &Channel) -> Result<(), SimError> {
        self.check_qubit(q)?;
        channel.validate()?;
        let n = self.num_qubits;
        match *channel {
            Channel::Depolarizing(p) => kernels::depol1(self.flat(), q, n + q, p),
            _ => kernels::mat4(self.flat(), q, n + q, &channel.superop()),
        }
        Ok(())
    }

    /// Two-qubit depolarizing `ρ ↦ (1−p)ρ + p·I/4 ⊗ Tr_{ab} ρ` on `a ≠ b`.
    pub fn depolarize2(&mut self, a: u32, b: u32, p: f64) -> Result<(), SimError> {
        self.check_qubit(a)?;
        self.check_qubit(b)?;
        let max = 16.0 / 15.0;
        if !(0.0..=max).contains(&p) {
            return Err(SimError::BadNoise { value: p, max });
        }
        if p != 0.0 && a != b {
            let n = self.num_qubits;
            kernels::depol2(self.flat(), n, a, b, p);
        }
        Ok(())
    }

    /// `Tr ρ`.
    pub fn trace(&self) -> C64 {
        self.rho.diag().sum()
    }

    /// Diagonal of `ρ`: the probability of each basis state.
    pub fn probabilities(&self) -> Vec<f64> {
        self.rho.diag().iter().map(|z| z.re).collect()
    }

    /// `⟨ψ|ρ|ψ⟩`, the fidelity of `ρ` with the pure state `ψ`.
    pub fn fidelity_with_pure(&self, psi: &StateVector) -> Result<f64, SimError> {
        same_width(self.num_qubits, psi.num_qubits())?;
        let a = psi.amplitudes();
        let dim = a.len();
        let mut acc = C64::new(0.0, 0.0);
        for (r, row) in self.slice().chunks_exact(dim).enumerate() {
            let row_dot: C64 = row.iter().zip(a.iter()).map(|(x, y)| x * y).sum();
            acc += a[r].conj() * row_dot;
        }
        Ok(acc.re)
    }

    /// Reduced density matrix of qubit `q`.
    pub fn reduced(&self, q: u32) -> Result<Mat2, SimError> {
        self.check_qubit(q)?;
        let bit = 1usize << q;
        let mut m = [[C64::new(0.0, 0.0); 2]; 2];
        for (i, z) in self.rho.diag().iter().enumerate() {
            m[(i >> q) & 1][(i >> q) & 1] += *z;
        }
        for r in (0..self.rho.nrows()).filter(|r| r & bit == 0) {
            m[0][1] += self.rho[(r, r | bit)];
        }
        m[1][0] = m[0][1].conj();
        Ok(Mat2(m))
    }
}

/// The gate acting on the row bits (`q ↦ n + q`).
fn row_side(gate: &Gate, n: u32) -> Gate {
    match *gate {
        Gate::Single { q, m } => Gate::Single { q: q + n, m },
        Gate::Controlled { control, target, m } => {
            Gate::Controlled { control: control + n, target: target + n, m }
        }
        Gate::Swap { a, b } => Gate::Swap { a: a + n, b: b + n },
        Gate::MultiControlled { controls, target, m } => {
            Gate::MultiControlled { controls: controls << n, target: target + n, m }
        }
    }
}

/// The conjugated gate acting on the column bits.
fn column_side(gate: &Gate) -> Gate {
    match *gate {
        Gate::Single { q, m } => Gate::Single { q, m: m.conj() },
        Gate::Controlled { control, target, m } => Gate::Controlled { control, target, m: m.conj() },
        Gate::Swap { a, b } => Gate::Swap { a, b },
        Gate::MultiControlled { controls, target, m } => {
            Gate::MultiControlled { controls, target, m: m.conj() }
        }
    }
}
