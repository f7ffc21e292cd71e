//! Distances and fidelities between single-qubit states.

use crate::gate::Mat2;

/// Trace distance `½‖ρ − σ‖₁` of two 2x2 density matrices.
pub fn trace_distance(rho: &Mat2, sigma: &Mat2) -> f64 {
    let d = rho.add(&sigma.scale((-1.0).into()));
    let mean = 0.5 * (d.0[0][0].re + d.0[1][1].re);
    let half_gap = 0.5 * (d.0[0][0].re - d.0[1][1].re);
    let radius = libm::sqrt(half_gap * half_gap + d.0[0][1].norm_sqr());
    0.5 * ((mean + radius).abs() + (mean - radius).abs())
}

/// Uhlmann fidelity `(Tr √(√ρ σ √ρ))²` of two qubit states, in the closed
/// form `Tr(ρσ) + 2√(det ρ · det σ)` valid for 2x2 density matrices.
pub fn uhlmann_fidelity(rho: &Mat2, sigma: &Mat2) -> f64 {
    uhlmann_fidelity_with_dets(rho, sigma, hermitian_det(rho), hermitian_det(sigma))
}

/// [`uhlmann_fidelity`] with the determinants supplied by the caller, who
/// may know them more precisely than the 2x2 entries do.
pub fn uhlmann_fidelity_with_dets(rho: &Mat2, sigma: &Mat2, det_rho: f64, det_sigma: f64) -> f64 {
    let overlap = rho.mul(sigma).trace().re;
    // Fidelity cannot exceed 1; anything above is rounding.
    (overlap + 2.0 * libm::sqrt(det_rho.max(0.0) * det_sigma.max(0.0))).min(1.0)
}

/// `ρ00·ρ11 − |ρ01|²`, the determinant of a Hermitian 2x2 matrix.
pub fn hermitian_det(m: &Mat2) -> f64 {
    m.0[0][0].re * m.0[1][1].re - m.0[0][1].norm_sqr()
}
