//! Noise channels: Kraus completeness, trace preservation, hermiticity and
//! positivity of ρ, and the analytic fidelities of simple noisy states.

#![expect(
    clippy::expect_used,
    reason = "a broken fixture should fail the test loudly"
)]

use quantum::{C64, Channel, Circuit, DensityMatrix, Mat2, NoiseModel, StateVector};

const EPS: f64 = 1e-12;

/// Eigenvalues of a Hermitian matrix via the real symmetric embedding
/// `[[Re, −Im], [Im, Re]]` and cyclic Jacobi rotations (each appears twice).
pub fn hermitian_eigenvalues(m: &ndarray::Array2<C64>) -> Vec<f64> {
    let d = m.nrows();
    let mut a = vec![vec![0.0; 2 * d]; 2 * d];
    for r in 0..d {
        for c in 0..d {
            let z = m[(r, c)];
            a[r][c] = z.re;
            a[r + d][c + d] = z.re;
            a[r][c + d] = -z.im;
            a[r + d][c] = z.im;
        }
    }
    jacobi(&mut a);
    (0..2 * d).map(|i| a[i][i]).collect()
}

fn jacobi(a: &mut [Vec<f64>]) {
    let n = a.len();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .filter(|(i, j)| i != j)
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-30 {
            return;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (top, bottom) = a.split_at_mut(q);
                for (x, y) in top[p].iter_mut().zip(bottom[0].iter_mut()) {
                    let (apk, aqk) = (*x, *y);
                    *x = c * apk - s * aqk;
                    *y = s * apk + c * aqk;
                }
            }
        }
    }
}

/// A generic entangled mixed starting point on three qubits.
fn mixed_state() -> DensityMatrix {
    let mut c = Circuit::new(3);
    c.h(0)
        .and_then(|k| k.cx(0, 1))
        .and_then(|k| k.ry(2, 0.8))
        .and_then(|k| k.cx(2, 0))
        .expect("valid");
    let mut rho = DensityMatrix::zero(3).expect("3");
    rho.run_noisy(&c, &NoiseModel::depolarizing(0.05, 0.1))
        .expect("valid");
    rho
}

fn assert_physical(name: &str, rho: &DensityMatrix) {
    assert!(
        (rho.trace() - C64::new(1.0, 0.0)).norm() < EPS,
        "{name}: trace {}",
        rho.trace()
    );
    let m = rho.matrix();
    for ((r, c), z) in m.indexed_iter() {
        assert!(
            (z - m[(c, r)].conj()).norm() < EPS,
            "{name}: not Hermitian at {r},{c}"
        );
    }
    let min = hermitian_eigenvalues(m)
        .into_iter()
        .fold(f64::INFINITY, f64::min);
    assert!(min > -1e-12, "{name}: eigenvalue {min}");
}

fn channels() -> Vec<(&'static str, Channel)> {
    vec![
        ("depolarizing 0.1", Channel::Depolarizing(0.1)),
        ("depolarizing 4/3", Channel::Depolarizing(4.0 / 3.0)),
        ("amplitude damping 0.3", Channel::AmplitudeDamping(0.3)),
        ("amplitude damping 1", Channel::AmplitudeDamping(1.0)),
        ("phase damping 0.4", Channel::PhaseDamping(0.4)),
    ]
}

#[test]
fn kraus_operators_are_complete() {
    for (name, ch) in channels() {
        let sum = ch
            .kraus()
            .iter()
            .fold(Mat2::real(0.0, 0.0, 0.0, 0.0), |acc, k| {
                acc.add(&k.adjoint().mul(k))
            });
        assert!(sum.max_diff(&Mat2::id()) < EPS, "{name}: Σ K†K = {sum:?}");
    }
}

#[test]
fn every_channel_keeps_rho_a_state() {
    for (name, ch) in channels() {
        for q in 0..3 {
            let mut rho = mixed_state();
            rho.apply_channel(q, &ch).expect("valid");
            assert_physical(name, &rho);
        }
    }
    for p in [0.0, 0.3, 16.0 / 15.0] {
        let mut rho = mixed_state();
        rho.depolarize2(2, 0, p).expect("valid");
        assert_physical("two-qubit depolarizing", &rho);
    }
    assert_physical("noisy circuit", &mixed_state());
}

#[test]
fn channels_match_their_kraus_sums() {
    for (name, ch) in channels() {
        let mut fast = mixed_state();
        fast.apply_channel(1, &ch).expect("valid");
        let before = mixed_state().matrix().clone();
        let dim = before.nrows();
        let mut sum = ndarray::Array2::<C64>::zeros((dim, dim));
        for k in ch.kraus() {
            let full = embed(&k, 1, 3);
            sum = sum + full.dot(&before).dot(&full.t().mapv(|z| z.conj()));
        }
        let diff = sum
            .iter()
            .zip(fast.matrix())
            .map(|(a, b)| (a - b).norm())
            .fold(0.0, f64::max);
        assert!(diff < EPS, "{name}: differs from Σ KρK† by {diff}");
    }
}

/// `I ⊗ … ⊗ k ⊗ … ⊗ I` with `k` on qubit `q` (qubit 0 least significant).
fn embed(k: &Mat2, q: u32, n: u32) -> ndarray::Array2<C64> {
    let dim = 1usize << n;
    ndarray::Array2::from_shape_fn((dim, dim), |(r, c)| {
        let rest = !(1usize << q);
        if r & rest == c & rest {
            k.0[(r >> q) & 1][(c >> q) & 1]
        } else {
            C64::new(0.0, 0.0)
        }
    })
}

/// A pure qubit state under `k` depolarizing steps keeps fidelity
/// `(1 + (1−p)^k) / 2`, whatever the state.
#[test]
fn analytic_depolarizing_fidelity() {
    for (theta, p, k) in [
        (0.0, 0.1, 1),
        (1.2, 0.1, 1),
        (2.5, 0.05, 3),
        (0.4, 0.3, 5),
        (3.0, 1.0, 1),
    ] {
        let mut c = Circuit::new(1);
        c.ry(0, theta).expect("valid");
        for _ in 1..k {
            c.single(0, Mat2::id()).expect("valid");
        }
        let psi = StateVector::from_circuit(&c).expect("1");
        let mut rho = DensityMatrix::zero(1).expect("1");
        rho.run_noisy(&c, &NoiseModel::depolarizing(p, 0.0))
            .expect("valid");
        let want = (1.0 + (1.0 - p).powi(k)) / 2.0;
        let got = rho.fidelity_with_pure(&psi).expect("1");
        assert!(
            (got - want).abs() < EPS,
            "θ={theta} p={p} k={k}: {got} vs {want}"
        );
        let local = psi
            .qubit_fidelity(0, &rho.reduced(0).expect("q0"))
            .expect("q0");
        assert!(
            (local - want).abs() < EPS,
            "reduced fidelity {local} vs {want}"
        );
    }
}

#[test]
fn analytic_two_qubit_and_damping_values() {
    let mut bell = Circuit::new(2);
    bell.h(0).and_then(|k| k.cx(0, 1)).expect("valid");
    let psi = StateVector::from_circuit(&bell).expect("2");
    for p in [0.0, 0.2, 0.8] {
        let mut rho = DensityMatrix::zero(2).expect("2");
        rho.run_noisy(&bell, &NoiseModel::depolarizing(0.0, p))
            .expect("valid");
        let got = rho.fidelity_with_pure(&psi).expect("2");
        assert!(
            (got - (1.0 - 0.75 * p)).abs() < EPS,
            "Bell after p2={p}: {got}"
        );
    }
    let mut one = DensityMatrix::zero(1).expect("1");
    let mut x = Circuit::new(1);
    x.x(0).expect("valid");
    one.run(&x).expect("1");
    one.apply_channel(0, &Channel::AmplitudeDamping(0.3))
        .expect("valid");
    assert!((one.probabilities()[1] - 0.7).abs() < EPS);
    let mut plus = DensityMatrix::zero(1).expect("1");
    let mut h = Circuit::new(1);
    h.h(0).expect("valid");
    plus.run(&h).expect("1");
    plus.apply_channel(0, &Channel::PhaseDamping(0.36))
        .expect("valid");
    assert!(
        (plus.matrix()[(0, 1)].re - 0.4).abs() < EPS,
        "coherence √(1−λ)/2 = 0.4"
    );
}

#[test]
fn rejects_unphysical_parameters() {
    let mut rho = DensityMatrix::zero(1).expect("1");
    assert!(rho.apply_channel(0, &Channel::Depolarizing(1.5)).is_err());
    assert!(
        rho.apply_channel(0, &Channel::AmplitudeDamping(-0.1))
            .is_err()
    );
    assert!(
        rho.apply_channel(0, &Channel::PhaseDamping(f64::NAN))
            .is_err()
    );
    assert!(rho.apply_channel(1, &Channel::PhaseDamping(0.1)).is_err());
    assert!(DensityMatrix::zero(quantum::MAX_DENSITY_QUBITS + 1).is_err());
}
