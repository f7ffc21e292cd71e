//! Single-qubit gate matrices and their algebra.

use num_complex::Complex64;

/// Shorthand for the complex scalar used throughout the crate.
pub type C64 = Complex64;

const ZERO: C64 = C64::new(0.0, 0.0);
const ONE: C64 = C64::new(1.0, 0.0);
const I: C64 = C64::new(0.0, 1.0);

/// A 2x2 complex matrix `m[row][col]` acting on one qubit, `|0⟩` first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mat2(pub [[C64; 2]; 2]);

/// `e^{iθ}` computed with the portable `libm` routines.
pub fn cis(theta: f64) -> C64 {
    C64::new(libm::cos(theta), libm::sin(theta))
}

impl Mat2 {
    /// Builds a matrix from its rows.
    pub const fn new(m00: C64, m01: C64, m10: C64, m11: C64) -> Self {
        Self([[m00, m01], [m10, m11]])
    }

    /// Builds a matrix with real entries.
    pub const fn real(m00: f64, m01: f64, m10: f64, m11: f64) -> Self {
        Self::new(
            C64::new(m00, 0.0),
            C64::new(m01, 0.0),
            C64::new(m10, 0.0),
            C64::new(m11, 0.0),
        )
    }

    /// The diagonal matrix `diag(d0, d1)`.
    pub const fn diag(d0: C64, d1: C64) -> Self {
        Self::new(d0, ZERO, ZERO, d1)
    }

    /// Identity.
    pub const fn id() -> Self {
        Self::diag(ONE, ONE)
    }

    /// Pauli X.
    pub const fn x() -> Self {
        Self::real(0.0, 1.0, 1.0, 0.0)
    }

    /// Pauli Y.
    pub const fn y() -> Self {
        Self::new(ZERO, C64::new(0.0, -1.0), I, ZERO)
    }

    /// Pauli Z.
    pub const fn z() -> Self {
        Self::real(1.0, 0.0, 0.0, -1.0)
    }

    /// Hadamard.
    pub const fn h() -> Self {
        let r = std::f64::consts::FRAC_1_SQRT_2;
        Self::real(r, r, r, -r)
    }

    /// `S = diag(1, i)`.
    pub const fn s() -> Self {
        Self::diag(ONE, I)
    }

    /// `S† = diag(1, -i)`.
    pub const fn sdg() -> Self {
        Self::diag(ONE, C64::new(0.0, -1.0))
    }

    /// `T = diag(1, e^{iπ/4})`.
    pub const fn t() -> Self {
        let r = std::f64::consts::FRAC_1_SQRT_2;
        Self::diag(ONE, C64::new(r, r))
    }

    /// `T† = diag(1, e^{-iπ/4})`.
    pub const fn tdg() -> Self {
        let r = std::f64::consts::FRAC_1_SQRT_2;
        Self::diag(ONE, C64::new(r, -r))
    }

    /// `√X = ½[[1+i, 1−i], [1−i, 1+i]]`.
    pub const fn sx() -> Self {
        let (a, b) = (C64::new(0.5, 0.5), C64::new(0.5, -0.5));
        Self::new(a, b, b, a)
    }

    /// `√X† = ½[[1−i, 1+i], [1+i, 1−i]]`.
    pub const fn sxdg() -> Self {
        let (a, b) = (C64::new(0.5, -0.5), C64::new(0.5, 0.5));
        Self::new(a, b, b, a)
    }

    /// `RX(θ) = exp(−iθX/2)`.
    pub fn rx(theta: f64) -> Self {
        let (c, s) = half_angle(theta);
        Self::new(
            C64::new(c, 0.0),
            C64::new(0.0, -s),
            C64::new(0.0, -s),
            C64::new(c, 0.0),
        )
    }

    /// `RY(θ) = exp(−iθY/2)`.
    pub fn ry(theta: f64) -> Self {
        let (c, s) = half_angle(theta);
        Self::real(c, -s, s, c)
    }

    /// `RZ(θ) = exp(−iθZ/2) = diag(e^{−iθ/2}, e^{iθ/2})`.
    pub fn rz(theta: f64) -> Self {
        Self::diag(cis(-theta / 2.0), cis(theta / 2.0))
    }

    /// Phase gate `P(λ) = diag(1, e^{iλ})` (also `u1`).
    pub fn phase(lambda: f64) -> Self {
        Self::diag(ONE, cis(lambda))
    }

    /// The general rotation `U(θ, φ, λ)` of OpenQASM 2.0 and Qiskit
    /// `[[cos θ/2, −e^{iλ} sin θ/2], [e^{iφ} sin θ/2, e^{i(φ+λ)} cos θ/2]]`.
    pub fn u(theta: f64, phi: f64, lambda: f64) -> Self {
        let (c, s) = half_angle(theta);
        Self::new(
            C64::new(c, 0.0),
            -cis(lambda) * s,
            cis(phi) * s,
            cis(phi + lambda) * c,
        )
    }

    /// Matrix product `self · rhs` (apply `rhs` first).
    pub fn mul(&self, rhs: &Self) -> Self {
        let (a, b) = (&self.0, &rhs.0);
        Self::new(
            a[0][0] * b[0][0] + a[0][1] * b[1][0],
            a[0][0] * b[0][1] + a[0][1] * b[1][1],
            a[1][0] * b[0][0] + a[1][1] * b[1][0],
            a[1][0] * b[0][1] + a[1][1] * b[1][1],
        )
    }

    /// Conjugate transpose.
    pub fn adjoint(&self) -> Self {
        let m = &self.0;
        Self::new(
            m[0][0].conj(),
            m[1][0].conj(),
            m[0][1].conj(),
            m[1][1].conj(),
        )
    }

    /// Element-wise complex conjugate.
    pub fn conj(&self) -> Self {
        let m = &self.0;
        Self::new(
            m[0][0].conj(),
            m[0][1].conj(),
            m[1][0].conj(),
            m[1][1].conj(),
        )
    }

    /// Multiplies every entry by `k`.
    pub fn scale(&self, k: C64) -> Self {
        let m = &self.0;
        Self::new(m[0][0] * k, m[0][1] * k, m[1][0] * k, m[1][1] * k)
    }

    /// Sum of two matrices.
    pub fn add(&self, rhs: &Self) -> Self {
        let (a, b) = (&self.0, &rhs.0);
        Self::new(
            a[0][0] + b[0][0],
            a[0][1] + b[0][1],
            a[1][0] + b[1][0],
            a[1][1] + b[1][1],
        )
    }

    /// Trace.
    pub fn trace(&self) -> C64 {
        self.0[0][0] + self.0[1][1]
    }

    /// Determinant.
    pub fn det(&self) -> C64 {
        self.0[0][0] * self.0[1][1] - self.0[0][1] * self.0[1][0]
    }

    /// True when both off-diagonal entries are exactly zero.
    pub fn is_diagonal(&self) -> bool {
        self.0[0][1] == ZERO && self.0[1][0] == ZERO
    }

    /// Largest entry-wise modulus of `self − rhs`.
    pub fn max_diff(&self, rhs: &Self) -> f64 {
        let mut worst = 0.0_f64;
        for r in 0..2 {
            for c in 0..2 {
                worst = worst.max((self.0[r][c] - rhs.0[r][c]).norm());
            }
        }
        worst
    }
}

fn half_angle(theta: f64) -> (f64, f64) {
    (libm::cos(theta / 2.0), libm::sin(theta / 2.0))
}
