//! Noise channels in Kraus form and the model that places them in a circuit.

use crate::error::SimError;
use crate::gate::{C64, Mat2};
use crate::kernels::Mat4;

/// A single-qubit CPTP map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Channel {
    /// `ρ ↦ (1−p)ρ + p·I/2·Tr ρ`, Qiskit's `depolarizing_error(p, 1)`;
    /// valid for `0 ≤ p ≤ 4/3`.
    Depolarizing(f64),
    /// Energy relaxation with decay probability `γ`:
    /// `K0 = [[1, 0], [0, √(1−γ)]]`, `K1 = [[0, √γ], [0, 0]]`.
    AmplitudeDamping(f64),
    /// Pure dephasing with parameter `λ`:
    /// `K0 = [[1, 0], [0, √(1−λ)]]`, `K1 = [[0, 0], [0, √λ]]`.
    PhaseDamping(f64),
}

impl Channel {
    /// Checks the parameter range in which the map is completely positive.
    pub fn validate(&self) -> Result<(), SimError> {
        let (value, max) = match *self {
            Channel::Depolarizing(p) => (p, 4.0 / 3.0),
            Channel::AmplitudeDamping(g) | Channel::PhaseDamping(g) => (g, 1.0),
        };
        if (0.0..=max).contains(&value) {
            Ok(())
        } else {
            Err(SimError::BadNoise { value, max })
        }
    }

    /// Kraus operators `K_k` with `Σ K_k† K_k = I`.
    pub fn kraus(&self) -> Vec<Mat2> {
        match *self {
            Channel::Depolarizing(p) => {
                let k0 = libm::sqrt(1.0 - 0.75 * p);
                let kp = C64::new(libm::sqrt(p / 4.0), 0.0);
                vec![
                    Mat2::id().scale(C64::new(k0, 0.0)),
                    Mat2::x().scale(kp),
                    Mat2::y().scale(kp),
                    Mat2::z().scale(kp),
                ]
            }
            Channel::AmplitudeDamping(g) => vec![
                Mat2::real(1.0, 0.0, 0.0, libm::sqrt(1.0 - g)),
                Mat2::real(0.0, libm::sqrt(g), 0.0, 0.0),
            ],
            Channel::PhaseDamping(l) => vec![
                Mat2::real(1.0, 0.0, 0.0, libm::sqrt(1.0 - l)),
                Mat2::real(0.0, 0.0, 0.0, libm::sqrt(l)),
            ],
        }
    }

    /// The channel as a 4x4 matrix on the vectorised 2x2 block
    /// `(ρ00, ρ01, ρ10, ρ11)`: `S = Σ_k K_k ⊗ conj(K_k)`.
    pub fn superop(&self) -> Mat4 {
        kraus_superop(&self.kraus())
    }
}

/// The `(diag, off)` form of [`crate::kernels::covariant`] when the
/// superoperator `s` has that shape (true for the three channels above).
pub fn covariant_form(s: &Mat4) -> Option<([f64; 4], [C64; 2])> {
    let zero = C64::new(0.0, 0.0);
    let mixing = [(0, 0), (0, 3), (3, 0), (3, 3)];
    for (i, row) in s.iter().enumerate() {
        for (j, &x) in row.iter().enumerate() {
            let allowed = mixing.contains(&(i, j)) || (i == j && (i == 1 || i == 2));
            if !allowed && x != zero {
                return None;
            }
        }
    }
    if mixing.iter().any(|&(i, j)| s[i][j].im != 0.0) {
        return None;
    }
    let diag = mixing.map(|(i, j)| s[i][j].re);
    Some((diag, [s[1][1], s[2][2]]))
}

/// `Σ_k K_k ⊗ conj(K_k)` with local index `2·row + col`.
pub fn kraus_superop(kraus: &[Mat2]) -> Mat4 {
    let mut s = [[C64::new(0.0, 0.0); 4]; 4];
    for k in kraus {
        for (i, row) in s.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell += k.0[i >> 1][j >> 1] * k.0[i & 1][j & 1].conj();
            }
        }
    }
    s
}

/// Where noise goes: after every single-qubit gate each channel of
/// `one_qubit` acts, in order, on that gate's qubit; after every two-qubit gate
/// a two-qubit depolarizing channel `ρ ↦ (1−p)ρ + p·I/4 ⊗ Tr_{ab} ρ` with
/// `p = two_qubit_depolarizing` acts on its pair.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoiseModel {
    /// Channels after each single-qubit gate.
    pub one_qubit: Vec<Channel>,
    /// Depolarizing probability after each two-qubit gate, `0 ≤ p ≤ 16/15`.
    pub two_qubit_depolarizing: f64,
}

impl NoiseModel {
    /// Qiskit-style depolarizing noise: `p1` after one-qubit and `p2` after
    /// two-qubit gates.
    pub fn depolarizing(p1: f64, p2: f64) -> Self {
        Self {
            one_qubit: vec![Channel::Depolarizing(p1)],
            two_qubit_depolarizing: p2,
        }
    }

    /// Checks every parameter.
    pub fn validate(&self) -> Result<(), SimError> {
        for c in &self.one_qubit {
            c.validate()?;
        }
        let p = self.two_qubit_depolarizing;
        let max = 16.0 / 15.0;
        if (0.0..=max).contains(&p) {
            Ok(())
        } else {
            Err(SimError::BadNoise { value: p, max })
        }
    }

    /// True when the model adds no noise at all.
    pub fn is_noiseless(&self) -> bool {
        self.two_qubit_depolarizing == 0.0
            && self.one_qubit.iter().all(|c| match *c {
                Channel::Depolarizing(p) => p == 0.0,
                Channel::AmplitudeDamping(g) | Channel::PhaseDamping(g) => g == 0.0,
            })
    }
}
