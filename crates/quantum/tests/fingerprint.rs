//! Tests of the license fingerprint (against an independent dense-matrix
//! re-implementation of its documented definition) and of the self-check.

#![expect(
    clippy::expect_used,
    reason = "a broken fixture should fail the test loudly"
)]

use std::f64::consts::PI;

use ndarray::Array2;
use quantum::{
    C64, FINGERPRINT_IDLE, FINGERPRINT_P1, FINGERPRINT_P2, FINGERPRINT_QUBITS, Fingerprint, Mat2,
    license_fingerprint, self_check, trace_distance,
};

const N: usize = FINGERPRINT_QUBITS as usize;
const DIM: usize = 1 << N;
type M = Array2<C64>;

fn ramp() -> [u8; 32] {
    std::array::from_fn(|i| i as u8)
}

fn dagger(m: &M) -> M {
    m.t().mapv(|z| z.conj())
}

/// The full matrix of `f`, a map on basis indices with amplitudes.
fn dense(f: impl Fn(usize) -> Vec<(usize, C64)>) -> M {
    let mut m = M::zeros((DIM, DIM));
    for col in 0..DIM {
        for (row, z) in f(col) {
            m[(row, col)] += z;
        }
    }
    m
}

fn on_qubit(k: &Mat2, q: usize) -> M {
    dense(|c| {
        let bit = (c >> q) & 1;
        (0..2)
            .map(|r| ((c & !(1 << q)) | r << q, k.0[r][bit]))
            .collect()
    })
}

fn pauli(which: usize) -> Mat2 {
    [Mat2::id(), Mat2::x(), Mat2::y(), Mat2::z()][which]
}

/// `Σ_k K ρ K†` with each `K` a full matrix.
fn kraus(rho: &M, ks: &[M]) -> M {
    ks.iter().fold(M::zeros((DIM, DIM)), |acc, k| {
        acc + k.dot(rho).dot(&dagger(k))
    })
}

/// Qiskit's depolarizing as a Pauli mixture: `(1 − p(4^k−1)/4^k)ρ + p/4^k Σ PρP`.
fn depolarize(rho: &M, qubits: &[usize], p: f64) -> M {
    let terms = 1usize << (2 * qubits.len());
    let mut out = M::zeros((DIM, DIM));
    for code in 0..terms {
        let mut op = M::eye(DIM);
        for (i, &q) in qubits.iter().enumerate() {
            op = on_qubit(&pauli((code >> (2 * i)) & 3), q).dot(&op);
        }
        let w = if code == 0 {
            1.0 - p + p / terms as f64
        } else {
            p / terms as f64
        };
        out = out + op.dot(rho).dot(&dagger(&op)).mapv(|z| z * w);
    }
    out
}

fn reduced(rho: &M, q: usize) -> Mat2 {
    let mut m = [[C64::new(0.0, 0.0); 2]; 2];
    for r in 0..DIM {
        for c in 0..DIM {
            if r & !(1 << q) == c & !(1 << q) {
                m[(r >> q) & 1][(c >> q) & 1] += rho[(r, c)];
            }
        }
    }
    Mat2(m)
}

/// The version-1 definition, re-derived from the documentation.
fn reference(digest: &[u8; 32]) -> Fingerprint {
    let angle = |k: u64| (2 * k + 1) as f64 * PI / 64.0;
    let mut psi = M::from_elem((DIM, 1), C64::new((DIM as f64).sqrt().recip(), 0.0));
    let mut rho = psi.dot(&dagger(&psi));
    for layer in 0..4 {
        let word = u64::from_le_bytes(digest[8 * layer..8 * layer + 8].try_into().expect("8"));
        for q in 0..N {
            let bits = word >> (12 * q);
            let g = on_qubit(
                &Mat2::ry(angle(bits & 63)).mul(&Mat2::rz(angle((bits >> 6) & 63))),
                q,
            );
            psi = g.dot(&psi);
            rho = depolarize(&g.dot(&rho).dot(&dagger(&g)), &[q], FINGERPRINT_P1);
        }
        let code = word >> 60;
        let step = 1 + (code & 3) as usize;
        for k in 0..N - 1 {
            let (mut a, mut b) = ((k * step) % N, ((k + 1) * step) % N);
            if code & 8 != 0 {
                (a, b) = (b, a);
            }
            let g = if code & 4 != 0 {
                dense(|c| {
                    vec![(
                        c,
                        C64::new(
                            if (c >> a) & (c >> b) & 1 == 1 {
                                -1.0
                            } else {
                                1.0
                            },
                            0.0,
                        ),
                    )]
                })
            } else {
                dense(|c| vec![(c ^ (((c >> a) & 1) << b), C64::new(1.0, 0.0))])
            };
            psi = g.dot(&psi);
            rho = depolarize(&g.dot(&rho).dot(&dagger(&g)), &[a, b], FINGERPRINT_P2);
        }
        for q in 0..N {
            let g = FINGERPRINT_IDLE;
            let ad = [
                Mat2::real(1.0, 0.0, 0.0, (1.0 - g).sqrt()),
                Mat2::real(0.0, g.sqrt(), 0.0, 0.0),
            ];
            let pd = [
                Mat2::real(1.0, 0.0, 0.0, (1.0 - g).sqrt()),
                Mat2::real(0.0, 0.0, 0.0, g.sqrt()),
            ];
            rho = kraus(&rho, &ad.map(|k| on_qubit(&k, q)));
            rho = kraus(&rho, &pd.map(|k| on_qubit(&k, q)));
        }
    }
    let ideal = psi.dot(&dagger(&psi));
    let qubit_values = (0..N)
        .map(|q| 1.0 - trace_distance(&reduced(&rho, q), &reduced(&ideal, q)))
        .collect();
    let fidelity = dagger(&psi).dot(&rho).dot(&psi)[(0, 0)].re;
    Fingerprint {
        qubit_values,
        fidelity,
    }
}

fn distance(a: &Fingerprint, b: &Fingerprint) -> f64 {
    let per = a
        .qubit_values
        .iter()
        .zip(&b.qubit_values)
        .map(|(x, y)| (x - y).abs());
    per.fold((a.fidelity - b.fidelity).abs(), f64::max)
}

#[test]
fn matches_the_documented_definition() {
    for digest in [[0x5a; 32], ramp(), [0xc3; 32]] {
        let fast = license_fingerprint(&digest);
        let slow = reference(&digest);
        assert!(distance(&fast, &slow) < 1e-12, "{fast:?} vs {slow:?}");
    }
}

/// Pinned version-1 outputs: a change here breaks issued licenses and needs
/// a new `FINGERPRINT_VERSION`.
#[test]
fn version_1_is_frozen() {
    let golden = [
        (
            [0u8; 32],
            [
                0.9680775037908574,
                0.9631689354520446,
                0.967877447458153,
                0.9759820295649397,
                0.9864447029447749,
            ],
            0.9240488268401026,
        ),
        (
            [0x5a; 32],
            [
                0.9897238049579682,
                0.9890371020877627,
                0.9881074736454026,
                0.9888962661842075,
                0.9870141736826111,
            ],
            0.9098810123882871,
        ),
        (
            [0xff; 32],
            [
                0.979619496001986,
                0.9796239833651468,
                0.9696955989613921,
                0.9660349539282297,
                0.9696950318616285,
            ],
            0.9141513071317344,
        ),
    ];
    assert_eq!(quantum::FINGERPRINT_VERSION, 1);
    for (digest, values, fidelity) in golden {
        let want = Fingerprint {
            qubit_values: values.to_vec(),
            fidelity,
        };
        let got = license_fingerprint(&digest);
        assert!(distance(&got, &want) < 1e-10, "{got:?}");
    }
}

#[test]
fn values_are_physical_and_digest_sensitive() {
    let base = license_fingerprint(&ramp());
    assert_eq!(base.qubit_values.len(), N);
    // Fuchs–van de Graaf plus monotonicity: T(ρ_q, σ_q) ≤ √(1 − F).
    let floor = 1.0 - (1.0 - base.fidelity).sqrt();
    for v in &base.qubit_values {
        assert!((floor..=1.0).contains(v), "{v} outside [{floor}, 1]");
    }
    assert!((0.0..1.0).contains(&base.fidelity));
    for bit in 0..256 {
        let mut digest = ramp();
        digest[bit / 8] ^= 1 << (bit % 8);
        let other = license_fingerprint(&digest);
        // Every bit reaches the output, though a single flip may move it by
        // less than the 1e-4 verification tolerance (see docs/quantum.md).
        assert!(
            distance(&base, &other) > 1e-6,
            "flipping bit {bit} leaves the fingerprint"
        );
    }
}

#[test]
fn self_check_passes() {
    assert_eq!(self_check(), Ok(()));
}
