//! Table-driven known answers: small circuits whose final state or unitary
//! is known exactly, compared within a tolerance by one `check` helper.

#![expect(
    clippy::expect_used,
    reason = "a broken fixture should fail the test loudly"
)]

use std::f64::consts::{FRAC_1_SQRT_2 as R, FRAC_PI_2, FRAC_PI_4, PI};

use quantum::{C64, Circuit, CircuitError, Mat2, StateVector, cis};

const EPS: f64 = 1e-12;

/// The unitary of `circuit`, column `j` being the image of `|j⟩`.
pub fn unitary(circuit: &Circuit) -> Vec<Vec<C64>> {
    let n = circuit.num_qubits();
    (0..1usize << n)
        .map(|j| {
            let mut s = StateVector::basis(n, j).expect("basis state");
            s.run(circuit).expect("same width");
            s.amplitudes().to_vec()
        })
        .collect()
}

/// Largest entry-wise distance between two unitaries.
pub fn unitary_distance(a: &Circuit, b: &Circuit) -> f64 {
    let (ua, ub) = (unitary(a), unitary(b));
    ua.iter()
        .flatten()
        .zip(ub.iter().flatten())
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

type Build = fn(&mut Circuit) -> Result<(), CircuitError>;

fn c(re: f64, im: f64) -> C64 {
    C64::new(re, im)
}

fn circuit(width: u32, build: Build) -> Circuit {
    let mut circ = Circuit::new(width);
    build(&mut circ).expect("valid circuit");
    circ
}

/// Runs `build` on `width` qubits from `|0…0⟩` and compares every amplitude.
fn check(name: &str, width: u32, build: Build, expected: &[C64]) {
    let state = StateVector::from_circuit(&circuit(width, build)).expect("width");
    let got = state.amplitudes();
    assert_eq!(got.len(), expected.len(), "{name}: dimension");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g - e).norm() < EPS,
            "{name}: amplitude {i} is {g}, expected {e}"
        );
    }
}

#[test]
fn states() {
    let (o, z, h) = (c(1.0, 0.0), c(0.0, 0.0), c(R, 0.0));
    let cases: &[(&str, u32, Build, Vec<C64>)] = &[
        ("bell", 2, |k| k.h(0)?.cx(0, 1).map(drop), vec![h, z, z, h]),
        (
            "ghz",
            3,
            |k| k.h(0)?.cx(0, 1)?.cx(1, 2).map(drop),
            vec![h, z, z, z, z, z, z, h],
        ),
        (
            "x on qubit 1 is index 2",
            3,
            |k| k.x(1).map(drop),
            vec![z, z, o, z, z, z, z, z],
        ),
        (
            "bell with x on 1",
            2,
            |k| k.h(0)?.cx(0, 1)?.x(1).map(drop),
            vec![z, h, h, z],
        ),
        (
            "swap moves the excitation",
            2,
            |k| k.x(0)?.swap(0, 1).map(drop),
            vec![z, z, o, z],
        ),
        ("ry(pi/2)", 1, |k| k.ry(0, FRAC_PI_2).map(drop), vec![h, h]),
        ("ry(pi)", 1, |k| k.ry(0, PI).map(drop), vec![z, o]),
        (
            "rx(pi/2)",
            1,
            |k| k.single(0, Mat2::rx(FRAC_PI_2)).map(drop),
            vec![h, c(0.0, -R)],
        ),
        (
            "rx(pi)",
            1,
            |k| k.single(0, Mat2::rx(PI)).map(drop),
            vec![z, c(0.0, -1.0)],
        ),
        (
            "rz(pi/2) after h",
            1,
            |k| k.h(0)?.rz(0, FRAC_PI_2).map(drop),
            vec![cis(-FRAC_PI_4) * R, cis(FRAC_PI_4) * R],
        ),
        (
            "phase(pi/3) on |1>",
            1,
            |k| k.x(0)?.single(0, Mat2::phase(PI / 3.0)).map(drop),
            vec![z, cis(PI / 3.0)],
        ),
        (
            "t on |+>",
            1,
            |k| k.h(0)?.single(0, Mat2::t()).map(drop),
            vec![h, cis(FRAC_PI_4) * R],
        ),
        (
            "s then sdg",
            1,
            |k| {
                k.h(0)?
                    .single(0, Mat2::s())?
                    .single(0, Mat2::sdg())
                    .map(drop)
            },
            vec![h, h],
        ),
        (
            "y on |0>",
            1,
            |k| k.single(0, Mat2::y()).map(drop),
            vec![z, c(0.0, 1.0)],
        ),
        (
            "sx on |0>",
            1,
            |k| k.single(0, Mat2::sx()).map(drop),
            vec![c(0.5, 0.5), c(0.5, -0.5)],
        ),
        (
            "cz phases |11>",
            2,
            |k| k.h(0)?.h(1)?.cz(0, 1).map(drop),
            vec![c(0.5, 0.0), c(0.5, 0.0), c(0.5, 0.0), c(-0.5, 0.0)],
        ),
        (
            "controlled ry",
            2,
            |k| k.x(0)?.controlled(0, 1, Mat2::ry(FRAC_PI_2)).map(drop),
            vec![z, h, z, h],
        ),
        (
            "control off does nothing",
            2,
            |k| k.controlled(0, 1, Mat2::x()).map(drop),
            vec![o, z, z, z],
        ),
        (
            "toffoli",
            3,
            |k| {
                k.x(0)?
                    .x(1)?
                    .multi_controlled(&[0, 1], 2, Mat2::x())
                    .map(drop)
            },
            vec![z, z, z, z, z, z, z, o],
        ),
        (
            "u(pi/2, 0, pi) is h",
            1,
            |k| k.single(0, Mat2::u(FRAC_PI_2, 0.0, PI)).map(drop),
            vec![h, h],
        ),
    ];
    for (name, width, build, expected) in cases {
        check(name, *width, *build, expected);
    }
}

/// Textbook QFT with qubit 0 least significant: `|x⟩ ↦ Σ_k e^{2πi·xk/16}|k⟩/4`.
fn qft4(k: &mut Circuit) -> Result<(), CircuitError> {
    for j in (0..4u32).rev() {
        k.h(j)?;
        for m in (0..j).rev() {
            k.controlled(m, j, Mat2::phase(PI / f64::from(1u32 << (j - m))))?;
        }
    }
    k.swap(0, 3)?.swap(1, 2).map(drop)
}

#[test]
fn qft_of_basis_states() {
    for x in [0usize, 1, 5, 11] {
        let mut state = StateVector::basis(4, x).expect("basis");
        state.run(&circuit(4, qft4)).expect("width");
        for (k, amp) in state.amplitudes().iter().enumerate() {
            let want = cis(2.0 * PI * (x * k) as f64 / 16.0) * 0.25;
            assert!((amp - want).norm() < EPS, "x={x} k={k}: {amp} vs {want}");
        }
    }
}

#[test]
fn gate_identities() {
    let cases: &[(&str, u32, Build, Build)] = &[
        (
            "HZH = X",
            1,
            |k| k.h(0)?.single(0, Mat2::z())?.h(0).map(drop),
            |k| k.x(0).map(drop),
        ),
        (
            "HXH = Z",
            1,
            |k| k.h(0)?.x(0)?.h(0).map(drop),
            |k| k.single(0, Mat2::z()).map(drop),
        ),
        (
            "SS = Z",
            1,
            |k| k.single(0, Mat2::s())?.single(0, Mat2::s()).map(drop),
            |k| k.single(0, Mat2::z()).map(drop),
        ),
        (
            "TT = S",
            1,
            |k| k.single(0, Mat2::t())?.single(0, Mat2::t()).map(drop),
            |k| k.single(0, Mat2::s()).map(drop),
        ),
        (
            "T Tdg = I",
            1,
            |k| k.single(0, Mat2::t())?.single(0, Mat2::tdg()).map(drop),
            |_| Ok(()),
        ),
        (
            "SX SX = X",
            1,
            |k| k.single(0, Mat2::sx())?.single(0, Mat2::sx()).map(drop),
            |k| k.x(0).map(drop),
        ),
        (
            "three alternating CNOTs = SWAP",
            2,
            |k| k.cx(0, 1)?.cx(1, 0)?.cx(0, 1).map(drop),
            |k| k.swap(0, 1).map(drop),
        ),
        (
            "Hadamards reverse a CNOT",
            2,
            |k| k.h(0)?.h(1)?.cx(0, 1)?.h(0)?.h(1).map(drop),
            |k| k.cx(1, 0).map(drop),
        ),
        (
            "CZ is symmetric",
            2,
            |k| k.cz(0, 1).map(drop),
            |k| k.cz(1, 0).map(drop),
        ),
        (
            "CZ = H CNOT H",
            2,
            |k| k.h(1)?.cx(0, 1)?.h(1).map(drop),
            |k| k.cz(0, 1).map(drop),
        ),
        (
            "CNOT twice = I",
            3,
            |k| k.cx(2, 0)?.cx(2, 0).map(drop),
            |_| Ok(()),
        ),
        (
            "U = e^{i(φ+λ)/2} RZ(φ) RY(θ) RZ(λ)",
            1,
            |k| k.single(0, Mat2::u(0.7, 1.1, -0.4)).map(drop),
            |k| {
                k.rz(0, -0.4)?
                    .ry(0, 0.7)?
                    .rz(0, 1.1)?
                    .single(0, Mat2::diag(cis(0.35), cis(0.35)))
                    .map(drop)
            },
        ),
        (
            "RZ = e^{-iθ/2} P",
            1,
            |k| k.rz(0, 0.9).map(drop),
            |k| k.single(0, Mat2::phase(0.9).scale(cis(-0.45))).map(drop),
        ),
        (
            "Y = iXZ",
            1,
            |k| k.single(0, Mat2::y()).map(drop),
            |k| {
                k.single(0, Mat2::z())?
                    .x(0)?
                    .single(0, Mat2::diag(cis(FRAC_PI_2), cis(FRAC_PI_2)))
                    .map(drop)
            },
        ),
        (
            "CCX from its textbook decomposition",
            3,
            |k| k.multi_controlled(&[0, 1], 2, Mat2::x()).map(drop),
            |k| {
                let (t, tdg) = (Mat2::t(), Mat2::tdg());
                k.h(2)?
                    .cx(1, 2)?
                    .single(2, tdg)?
                    .cx(0, 2)?
                    .single(2, t)?
                    .cx(1, 2)?;
                k.single(2, tdg)?
                    .cx(0, 2)?
                    .single(1, t)?
                    .single(2, t)?
                    .h(2)?
                    .cx(0, 1)?;
                k.single(0, t)?.single(1, tdg)?.cx(0, 1).map(drop)
            },
        ),
    ];
    for (name, width, lhs, rhs) in cases {
        let d = unitary_distance(&circuit(*width, *lhs), &circuit(*width, *rhs));
        assert!(d < EPS, "{name}: unitaries differ by {d}");
    }
}

#[test]
fn rejects_bad_qubits() {
    let mut k = Circuit::new(2);
    assert_eq!(
        k.h(2).err(),
        Some(CircuitError::OutOfRange { qubit: 2, width: 2 })
    );
    assert_eq!(k.cx(1, 1).err(), Some(CircuitError::Repeated(1)));
    assert!(StateVector::zero(quantum::MAX_STATEVECTOR_QUBITS + 1).is_err());
    let mut s = StateVector::zero(2).expect("2");
    let stray = quantum::Gate::Single { q: 2, m: Mat2::x() };
    assert!(s.apply(&stray).is_err());
    let twice = quantum::Gate::MultiControlled {
        controls: 0b10,
        target: 1,
        m: Mat2::x(),
    };
    assert!(s.apply(&twice).is_err());
    let mut rho = quantum::DensityMatrix::zero(2).expect("2");
    assert!(rho.apply(&stray).is_err());
    assert!(StateVector::from_amplitudes(vec![C64::new(1.0, 0.0); 3]).is_err());
}

#[test]
fn reduced_states_and_probabilities() {
    let bell = StateVector::from_circuit(&circuit(2, |k| k.h(0)?.cx(0, 1).map(drop))).expect("2");
    let probs = bell.probabilities();
    for (p, want) in probs.iter().zip([0.5, 0.0, 0.0, 0.5]) {
        assert!((p - want).abs() < EPS);
    }
    let mixed = Mat2::real(0.5, 0.0, 0.0, 0.5);
    assert!(bell.reduced(0).expect("q0").max_diff(&mixed) < EPS);
    assert!(bell.reduced(1).expect("q1").max_diff(&mixed) < EPS);
    let plus = StateVector::from_circuit(&circuit(2, |k| k.h(1).map(drop))).expect("2");
    assert!(
        plus.reduced(1)
            .expect("q1")
            .max_diff(&Mat2::real(0.5, 0.5, 0.5, 0.5))
            < EPS
    );
    assert!(
        plus.reduced(0)
            .expect("q0")
            .max_diff(&Mat2::real(1.0, 0.0, 0.0, 0.0))
            < EPS
    );
}
