//! The gates of `qelib1.inc` as Qiskit ships it, with Qiskit's matrices.
//!
//! The parser sees only their signatures (declared `opaque` in [`QELIB1`]);
//! the simulator builds each from its exact matrix, so global phases match
//! Qiskit's gate classes rather than the decompositions in the include file.

use std::f64::consts::FRAC_PI_2;

use quantum::{Gate, Mat2, cis};

/// Signatures of the standard gates, parsed in place of `qelib1.inc`.
pub const QELIB1: &str = "
opaque u3(theta, phi, lambda) q;
opaque u2(phi, lambda) q;
opaque u1(lambda) q;
opaque cx c, t;
opaque id q;
opaque u0(gamma) q;
opaque u(theta, phi, lambda) q;
opaque p(lambda) q;
opaque x q;
opaque y q;
opaque z q;
opaque h q;
opaque s q;
opaque sdg q;
opaque t q;
opaque tdg q;
opaque rx(theta) q;
opaque ry(theta) q;
opaque rz(phi) q;
opaque sx q;
opaque sxdg q;
opaque cz a, b;
opaque cy a, b;
opaque swap a, b;
opaque ch a, b;
opaque ccx a, b, c;
opaque cswap a, b, c;
opaque crx(lambda) a, b;
opaque cry(lambda) a, b;
opaque crz(lambda) a, b;
opaque cu1(lambda) a, b;
opaque cp(lambda) a, b;
opaque cu3(theta, phi, lambda) c, t;
opaque csx a, b;
opaque cu(theta, phi, lambda, gamma) c, t;
opaque rxx(theta) a, b;
opaque rzz(theta) a, b;
opaque rccx a, b, c;
opaque rc3x a, b, c, d;
opaque c3x a, b, c, d;
opaque c3sqrtx a, b, c, d;
opaque c4x a, b, c, d, e;
";

/// The 2x2 matrix of a standard single-qubit gate, if `name` is one.
pub fn single(name: &str, p: &[f64]) -> Option<Mat2> {
    let arg = |i: usize| p.get(i).copied().unwrap_or(0.0);
    Some(match name {
        "u3" | "u" => Mat2::u(arg(0), arg(1), arg(2)),
        "u2" => Mat2::u(FRAC_PI_2, arg(0), arg(1)),
        "u1" | "p" => Mat2::phase(arg(0)),
        "id" | "u0" => Mat2::id(),
        "x" => Mat2::x(),
        "y" => Mat2::y(),
        "z" => Mat2::z(),
        "h" => Mat2::h(),
        "s" => Mat2::s(),
        "sdg" => Mat2::sdg(),
        "t" => Mat2::t(),
        "tdg" => Mat2::tdg(),
        "rx" => Mat2::rx(arg(0)),
        "ry" => Mat2::ry(arg(0)),
        "rz" => Mat2::rz(arg(0)),
        "sx" => Mat2::sx(),
        "sxdg" => Mat2::sxdg(),
        _ => return None,
    })
}

/// The target matrix of a standard singly-controlled gate `(control, target)`.
fn controlled(name: &str, p: &[f64]) -> Option<Mat2> {
    let arg = |i: usize| p.get(i).copied().unwrap_or(0.0);
    Some(match name {
        "cx" | "CX" => Mat2::x(),
        "cz" => Mat2::z(),
        "cy" => Mat2::y(),
        "ch" => Mat2::h(),
        "csx" => Mat2::sx(),
        "crx" => Mat2::rx(arg(0)),
        "cry" => Mat2::ry(arg(0)),
        "crz" => Mat2::rz(arg(0)),
        "cu1" | "cp" => Mat2::phase(arg(0)),
        "cu3" => Mat2::u(arg(0), arg(1), arg(2)),
        "cu" => Mat2::u(arg(0), arg(1), arg(2)).scale(cis(arg(3))),
        _ => return None,
    })
}

/// `(parameters, qubits)` of a standard gate (or of the built-ins `U`, `CX`),
/// read from its declaration in [`QELIB1`].
pub fn signature(name: &str) -> Option<(usize, usize)> {
    match name {
        "U" => return Some((3, 1)),
        "CX" => return Some((0, 2)),
        _ => {}
    }
    QELIB1.lines().find_map(|line| {
        let rest = line.strip_prefix("opaque ")?.strip_prefix(name)?;
        let (params, qubits) = match rest.strip_prefix('(') {
            Some(inner) => {
                let (p, q) = inner.split_once(')')?;
                (p.split(',').count(), q)
            }
            None if rest.starts_with(' ') => (0, rest),
            None => return None,
        };
        Some((
            params,
            qubits.trim().trim_end_matches(';').split(',').count(),
        ))
    })
}

/// The engine gates of standard gate `name` with parameters `p` on `qs`, or
/// `None` if `name` is not a standard gate or is called with another arity.
pub fn expand(name: &str, p: &[f64], qs: &[u32]) -> Option<Vec<Gate>> {
    if signature(name) != Some((p.len(), qs.len())) {
        return None;
    }
    if name == "U" {
        return Some(vec![Gate::Single {
            q: qs[0],
            m: Mat2::u(p[0], p[1], p[2]),
        }]);
    }
    if let Some(m) = single(name, p) {
        return Some(vec![Gate::Single { q: qs[0], m }]);
    }
    if let Some(m) = controlled(name, p) {
        return Some(vec![Gate::Controlled {
            control: qs[0],
            target: qs[1],
            m,
        }]);
    }
    let angle = p.first().copied().unwrap_or(0.0);
    Some(match name {
        "swap" => vec![Gate::Swap { a: qs[0], b: qs[1] }],
        "rzz" => rzz(qs[0], qs[1], angle),
        "rxx" => rxx(qs[0], qs[1], angle),
        "ccx" | "c3x" | "c4x" => vec![mcx(&qs[..qs.len() - 1], qs[qs.len() - 1], Mat2::x())],
        "c3sqrtx" => vec![mcx(&qs[..3], qs[3], Mat2::sx())],
        "cswap" => cswap(qs[0], qs[1], qs[2]),
        "rccx" => rccx(qs[0], qs[1], qs[2]),
        "rc3x" => rc3x(qs[0], qs[1], qs[2], qs[3]),
        _ => return None,
    })
}

fn mcx(controls: &[u32], target: u32, m: Mat2) -> Gate {
    let mask = controls.iter().fold(0u64, |acc, &c| acc | 1 << c);
    Gate::MultiControlled {
        controls: mask,
        target,
        m,
    }
}

fn cx(c: u32, t: u32) -> Gate {
    Gate::Controlled {
        control: c,
        target: t,
        m: Mat2::x(),
    }
}

fn one(q: u32, m: Mat2) -> Gate {
    Gate::Single { q, m }
}

/// `exp(−iθ Z⊗Z / 2)`: the parity of `(a, b)` picks up `RZ(θ)` on `b`.
fn rzz(a: u32, b: u32, theta: f64) -> Vec<Gate> {
    vec![cx(a, b), one(b, Mat2::rz(theta)), cx(a, b)]
}

/// `exp(−iθ X⊗X / 2)`: `rzz` conjugated by Hadamards.
fn rxx(a: u32, b: u32, theta: f64) -> Vec<Gate> {
    let mut g = vec![one(a, Mat2::h()), one(b, Mat2::h())];
    g.extend(rzz(a, b, theta));
    g.extend([one(a, Mat2::h()), one(b, Mat2::h())]);
    g
}

/// Controlled swap of `b` and `c`: exactly `CX(c→b) · CCX(a,b→c) · CX(c→b)`.
fn cswap(a: u32, b: u32, c: u32) -> Vec<Gate> {
    vec![cx(c, b), mcx(&[a, b], c, Mat2::x()), cx(c, b)]
}

/// Relative-phase Toffoli, Qiskit's `RCCXGate`.
fn rccx(a: u32, b: u32, c: u32) -> Vec<Gate> {
    let (h, t, tdg) = (Mat2::h(), Mat2::t(), Mat2::tdg());
    vec![
        one(c, h),
        one(c, t),
        cx(b, c),
        one(c, tdg),
        cx(a, c),
        one(c, t),
        cx(b, c),
        one(c, tdg),
        one(c, h),
    ]
}

/// Relative-phase three-controlled X, Qiskit's `RC3XGate`.
fn rc3x(a: u32, b: u32, c: u32, d: u32) -> Vec<Gate> {
    let (h, t, tdg) = (Mat2::h(), Mat2::t(), Mat2::tdg());
    vec![
        one(d, h),
        one(d, t),
        cx(c, d),
        one(d, tdg),
        one(d, h),
        cx(a, d),
        one(d, t),
        cx(b, d),
        one(d, tdg),
        cx(a, d),
        one(d, t),
        cx(b, d),
        one(d, tdg),
        one(d, h),
        one(d, t),
        cx(c, d),
        one(d, tdg),
        one(d, h),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_gate_has_a_matrix() {
        for line in QELIB1.lines().filter(|l| l.starts_with("opaque")) {
            let head = line.trim_start_matches("opaque ");
            let name: String = head.chars().take_while(|c| c.is_alphanumeric()).collect();
            let (np, nq) = signature(&name).expect("declared");
            let qs: Vec<u32> = (0..nq as u32).collect();
            let p = [0.1, 0.2, 0.3, 0.4];
            assert!(expand(&name, &p[..np], &qs).is_some(), "{name}");
            assert!(
                expand(&name, &p[..np], &qs[1..]).is_none(),
                "{name} short of a qubit"
            );
        }
    }

    #[test]
    fn t_is_a_quarter_phase() {
        assert!(Mat2::t().max_diff(&Mat2::phase(std::f64::consts::FRAC_PI_4)) < 1e-15);
    }
}
