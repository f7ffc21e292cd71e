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
use crate::noise::{Channel, NoiseModel, covariant_form};
use crate::schedule::{self, Op};
use crate::statevector::StateVector;

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
        #[expect(
            clippy::expect_used,
            reason = "built in standard layout, never re-strided"
        )]
        self.rho.as_slice().expect("standard layout")
    }

    fn flat(&mut self) -> &mut [C64] {
        #[expect(
            clippy::expect_used,
            reason = "built in standard layout, never re-strided"
        )]
        self.rho.as_slice_mut().expect("standard layout")
    }

    fn check_qubit(&self, q: u32) -> Result<(), SimError> {
        if q < self.num_qubits {
            Ok(())
        } else {
            Err(SimError::QubitOutOfRange {
                qubit: q,
                width: self.num_qubits,
            })
        }
    }

    /// `ρ ↦ U ρ U†` for one gate, after checking its qubits.
    pub fn apply(&mut self, gate: &Gate) -> Result<(), SimError> {
        gate.check(self.num_qubits)?;
        let mut ops = Vec::with_capacity(2);
        self.gate_ops(gate, &mut ops);
        let v = self.flat();
        ops.iter().for_each(|op| op.apply(v));
        Ok(())
    }

    /// Applies a noiseless circuit, fusing single-qubit runs first.
    pub fn run(&mut self, circuit: &Circuit) -> Result<(), SimError> {
        same_width(self.num_qubits, circuit.num_qubits())?;
        let mut ops = Vec::with_capacity(2 * circuit.gates().len());
        for gate in circuit.fused().gates() {
            self.gate_ops(gate, &mut ops);
        }
        schedule::execute(self.flat(), &ops);
        Ok(())
    }

    /// Applies `circuit` gate by gate with the channels of `noise` after each
    /// (see [`NoiseModel`]); gates on three or more qubits have no channel
    /// and are refused when the model is not noiseless.
    pub fn run_noisy(&mut self, circuit: &Circuit, noise: &NoiseModel) -> Result<(), SimError> {
        same_width(self.num_qubits, circuit.num_qubits())?;
        noise.validate()?;
        if noise.is_noiseless() {
            return self.run(circuit);
        }
        let mut ops = Vec::with_capacity(4 * circuit.gates().len());
        for gate in circuit.gates() {
            self.gate_ops(gate, &mut ops);
            match *gate {
                Gate::Single { q, .. } => {
                    for ch in &noise.one_qubit {
                        push_merged(&mut ops, self.channel_op(q, ch));
                    }
                }
                Gate::Controlled {
                    control: a,
                    target: b,
                    ..
                }
                | Gate::Swap { a, b } => {
                    ops.push(self.depol2_op(a, b, noise.two_qubit_depolarizing));
                }
                Gate::MultiControlled { .. } => {
                    return Err(SimError::NoNoiseFor {
                        arity: gate.arity(),
                    });
                }
            }
        }
        schedule::execute(self.flat(), &ops);
        Ok(())
    }

    fn gate_ops(&self, gate: &Gate, ops: &mut Vec<Op>) {
        ops.push(Op::Gate(row_side(gate, self.num_qubits)));
        ops.push(Op::Gate(column_side(gate)));
    }

    fn channel_op(&self, q: u32, channel: &Channel) -> Op {
        let (lo, hi) = (q, q + self.num_qubits);
        let m = channel.superop();
        match covariant_form(&m) {
            Some((diag, off)) => Op::Covariant { lo, hi, diag, off },
            None => Op::Mat4 { lo, hi, m },
        }
    }

    fn depol2_op(&self, a: u32, b: u32, p: f64) -> Op {
        let n = self.num_qubits;
        Op::Depol2 {
            bits: [a, b, a + n, b + n],
            p,
        }
    }

    /// Applies a single-qubit channel to qubit `q`.
    pub fn apply_channel(&mut self, q: u32, channel: &Channel) -> Result<(), SimError> {
        self.check_qubit(q)?;
        channel.validate()?;
        let op = self.channel_op(q, channel);
        op.apply(self.flat());
        Ok(())
    }

    /// Applies several single-qubit channels `(qubit, channel)` in order,
    /// composing consecutive phase-covariant ones on the same qubit.
    pub fn apply_channels(&mut self, channels: &[(u32, Channel)]) -> Result<(), SimError> {
        let mut ops = Vec::with_capacity(channels.len());
        for (q, ch) in channels {
            self.check_qubit(*q)?;
            ch.validate()?;
            push_merged(&mut ops, self.channel_op(*q, ch));
        }
        schedule::execute(self.flat(), &ops);
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
            let op = self.depol2_op(a, b, p);
            op.apply(self.flat());
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
        Gate::Controlled { control, target, m } => Gate::Controlled {
            control: control + n,
            target: target + n,
            m,
        },
        Gate::Swap { a, b } => Gate::Swap { a: a + n, b: b + n },
        Gate::MultiControlled {
            controls,
            target,
            m,
        } => Gate::MultiControlled {
            controls: controls << n,
            target: target + n,
            m,
        },
    }
}

/// The conjugated gate acting on the column bits.
fn column_side(gate: &Gate) -> Gate {
    match *gate {
        Gate::Single { q, m } => Gate::Single { q, m: m.conj() },
        Gate::Controlled { control, target, m } => Gate::Controlled {
            control,
            target,
            m: m.conj(),
        },
        Gate::Swap { a, b } => Gate::Swap { a, b },
        Gate::MultiControlled {
            controls,
            target,
            m,
        } => Gate::MultiControlled {
            controls,
            target,
            m: m.conj(),
        },
    }
}

/// Appends `op`, folding it into the previous operation when both are
/// phase-covariant channels on the same qubit (their composition is too).
fn push_merged(ops: &mut Vec<Op>, op: Op) {
    if let (
        Some(Op::Covariant {
            lo,
            hi,
            diag: d1,
            off: o1,
        }),
        Op::Covariant {
            lo: l2,
            hi: h2,
            diag: d2,
            off: o2,
        },
    ) = (ops.last_mut(), op)
        && *lo == l2
        && *hi == h2
    {
        *d1 = [
            d2[0] * d1[0] + d2[1] * d1[2],
            d2[0] * d1[1] + d2[1] * d1[3],
            d2[2] * d1[0] + d2[3] * d1[2],
            d2[2] * d1[1] + d2[3] * d1[3],
        ];
        *o1 = [o2[0] * o1[0], o2[1] * o1[1]];
        return;
    }
    ops.push(op);
}
