//! Property tests over random circuits: unitarity, agreement of the two
//! simulators and of the cache-blocked scheduler with plain gate order.

#![expect(
    clippy::expect_used,
    reason = "a broken fixture should fail the test loudly"
)]

use proptest::prelude::*;
use quantum::{C64, Channel, Circuit, DensityMatrix, Gate, Mat2, NoiseModel, StateVector};

const EPS: f64 = 1e-12;

/// A random 2x2 unitary `e^{iγ} U(θ, φ, λ)`.
pub fn any_unitary() -> impl Strategy<Value = Mat2> {
    let angle = -7.0..7.0f64;
    (angle.clone(), angle.clone(), angle.clone(), angle)
        .prop_map(|(t, p, l, g)| Mat2::u(t, p, l).scale(quantum::cis(g)))
}

/// A random gate on `width ≥ 2` qubits.
pub fn any_gate(width: u32) -> impl Strategy<Value = Gate> {
    let q = 0..width;
    let pair = (0..width, 1..width).prop_map(move |(a, d)| (a, (a + d) % width));
    prop_oneof![
        4 => (q.clone(), any_unitary()).prop_map(|(q, m)| Gate::Single { q, m }),
        2 => (pair.clone(), any_unitary())
            .prop_map(|((control, target), m)| Gate::Controlled { control, target, m }),
        1 => pair.clone().prop_map(|(a, b)| Gate::Swap { a, b }),
        1 => (pair, q).prop_map(move |((t, c1), c2)| {
            let controls = if c2 == t { 1 << c1 } else { (1 << c1) | (1 << c2) };
            Gate::MultiControlled { controls, target: t, m: Mat2::x() }
        }),
    ]
}

/// A random circuit of up to `depth` gates on `width` qubits.
pub fn any_circuit(width: u32, depth: usize) -> impl Strategy<Value = Circuit> {
    proptest::collection::vec(any_gate(width), 1..depth).prop_map(move |gates| {
        let mut c = Circuit::new(width);
        for g in gates {
            c.push(g).expect("generated gates are valid");
        }
        c
    })
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Runs the gates one at a time: no fusion, no blocking.
fn gate_by_gate(circuit: &Circuit) -> StateVector {
    let mut s = StateVector::zero(circuit.num_qubits()).expect("width");
    for g in circuit.gates() {
        s.apply(g).expect("valid gate");
    }
    s
}

fn max_diff(a: &[C64], b: &[C64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn norm_stays_one(c in (2u32..7).prop_flat_map(|w| any_circuit(w, 40))) {
        let s = StateVector::from_circuit(&c).expect("width");
        prop_assert!((s.norm_sqr() - 1.0).abs() < EPS);
    }

    #[test]
    fn noiseless_density_matrix_is_the_pure_state(
        c in (2u32..6).prop_flat_map(|w| any_circuit(w, 30)),
    ) {
        let psi = StateVector::from_circuit(&c).expect("width");
        let mut rho = DensityMatrix::zero(c.num_qubits()).expect("width");
        rho.run(&c).expect("width");
        let pure = DensityMatrix::from_pure(&psi).expect("width");
        let diff = rho.matrix().iter().zip(pure.matrix()).map(|(x, y)| (x - y).norm());
        prop_assert!(diff.fold(0.0, f64::max) < EPS);
        prop_assert!((rho.fidelity_with_pure(&psi).expect("width") - 1.0).abs() < EPS);
    }

    #[test]
    fn fusion_keeps_the_state(c in (2u32..7).prop_flat_map(|w| any_circuit(w, 40))) {
        let fused = StateVector::from_circuit(&c).expect("width");
        let plain = gate_by_gate(&c);
        prop_assert!(max_diff(fused.amplitudes().as_slice().expect("contiguous"),
            plain.amplitudes().as_slice().expect("contiguous")) < EPS);
    }

    #[test]
    fn reduced_fidelity_is_at_least_global_fidelity(
        c in (2u32..5).prop_flat_map(|w| any_circuit(w, 20)),
        p1 in 0.0..0.2f64,
        p2 in 0.0..0.3f64,
    ) {
        let gates: Vec<Gate> = c.gates().iter().copied()
            .filter(|g| !matches!(g, Gate::MultiControlled { .. })).collect();
        let mut two = Circuit::new(c.num_qubits());
        gates.into_iter().for_each(|g| { two.push(g).expect("valid"); });
        let psi = StateVector::from_circuit(&two).expect("width");
        let mut rho = DensityMatrix::zero(two.num_qubits()).expect("width");
        rho.run_noisy(&two, &NoiseModel::depolarizing(p1, p2)).expect("valid noise");
        let global = rho.fidelity_with_pure(&psi).expect("width");
        prop_assert!((rho.trace().re - 1.0).abs() < EPS);
        for q in 0..two.num_qubits() {
            let local = psi.qubit_fidelity(q, &rho.reduced(q).expect("qubit")).expect("qubit");
            prop_assert!(local >= global - 1e-9, "qubit {q}: {local} < {global}");
            prop_assert!(local <= 1.0 + 1e-9);
        }
    }
}

proptest! {
    #![proptest_config(config(6))]

    /// 17 qubits exceed one tile, so the stages and gathers are exercised.
    #[test]
    fn blocked_state_vector_matches_gate_order(c in any_circuit(17, 40)) {
        let blocked = StateVector::from_circuit(&c).expect("width");
        let plain = gate_by_gate(&c);
        prop_assert!(max_diff(blocked.amplitudes().as_slice().expect("contiguous"),
            plain.amplitudes().as_slice().expect("contiguous")) < 1e-11);
    }

    /// An 8-qubit density matrix has 16 index bits: also blocked.
    #[test]
    fn blocked_noisy_density_matches_gate_order(
        c in any_circuit(8, 16),
        p1 in 0.0..0.1f64,
        p2 in 0.0..0.1f64,
    ) {
        let mut two = Circuit::new(8);
        for g in c.gates().iter().filter(|g| !matches!(g, Gate::MultiControlled { .. })) {
            two.push(*g).expect("valid");
        }
        let mut blocked = DensityMatrix::zero(8).expect("width");
        blocked.run_noisy(&two, &NoiseModel::depolarizing(p1, p2)).expect("valid");
        let mut plain = DensityMatrix::zero(8).expect("width");
        for g in two.gates() {
            plain.apply(g).expect("valid gate");
            match *g {
                Gate::Single { q, .. } => plain.apply_channel(q, &Channel::Depolarizing(p1)),
                Gate::Controlled { control: a, target: b, .. } | Gate::Swap { a, b } =>
                    plain.depolarize2(a, b, p2),
                Gate::MultiControlled { .. } => Ok(()),
            }.expect("valid");
        }
        let diff = blocked.matrix().iter().zip(plain.matrix()).map(|(x, y)| (x - y).norm());
        prop_assert!(diff.fold(0.0, f64::max) < 1e-12);
    }
}
