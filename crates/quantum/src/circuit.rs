//! Circuits: an ordered list of gates on `n` qubits, and their fusion.

use crate::gate::Mat2;

/// One gate of a circuit. Qubit numbers are 0-based; qubit 0 is the least
/// significant bit of the basis index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gate {
    /// A single-qubit unitary on `q`.
    Single {
        /// Target qubit.
        q: u32,
        /// The 2x2 unitary.
        m: Mat2,
    },
    /// `m` on `target` when `control` is `|1⟩` (CNOT is `m = X`).
    Controlled {
        /// Control qubit.
        control: u32,
        /// Target qubit.
        target: u32,
        /// The 2x2 unitary applied to the target.
        m: Mat2,
    },
    /// `m` on `target` when every qubit in the bit mask `controls` is `|1⟩`
    /// (Toffoli is two controls and `m = X`).
    MultiControlled {
        /// Bit `q` set means qubit `q` is a control.
        controls: u64,
        /// Target qubit.
        target: u32,
        /// The 2x2 unitary applied to the target.
        m: Mat2,
    },
    /// Exchanges two qubits.
    Swap {
        /// First qubit.
        a: u32,
        /// Second qubit.
        b: u32,
    },
}

impl Gate {
    /// The qubits the gate touches.
    pub fn qubits(&self) -> Vec<u32> {
        match *self {
            Gate::Single { q, .. } => vec![q],
            Gate::Controlled {
                control, target, ..
            } => vec![control, target],
            Gate::Swap { a, b } => vec![a, b],
            Gate::MultiControlled {
                controls, target, ..
            } => {
                let mut qs: Vec<u32> = (0..64).filter(|b| controls >> b & 1 == 1).collect();
                qs.push(target);
                qs
            }
        }
    }

    /// Checks that every qubit is below `width` and none repeats.
    pub fn check(&self, width: u32) -> Result<(), CircuitError> {
        let qs = self.qubits();
        for (i, &q) in qs.iter().enumerate() {
            if q >= width {
                return Err(CircuitError::OutOfRange { qubit: q, width });
            }
            if qs[..i].contains(&q) {
                return Err(CircuitError::Repeated(q));
            }
        }
        Ok(())
    }

    /// Number of qubits the gate acts on.
    pub fn arity(&self) -> usize {
        self.qubits().len()
    }
}

/// A circuit of gates applied in order to `num_qubits` qubits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Circuit {
    num_qubits: u32,
    gates: Vec<Gate>,
}

/// Why a gate could not be added to a circuit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CircuitError {
    /// A qubit index is not below the circuit width.
    #[error("qubit {qubit} is out of range for a {width}-qubit circuit")]
    OutOfRange {
        /// The offending qubit.
        qubit: u32,
        /// Circuit width.
        width: u32,
    },
    /// A multi-qubit gate names the same qubit twice.
    #[error("gate uses qubit {0} twice")]
    Repeated(u32),
}

impl CircuitError {
    fn or_range(self, qubit: u32, width: u32) -> Self {
        if qubit >= width {
            CircuitError::OutOfRange { qubit, width }
        } else {
            self
        }
    }
}

impl Circuit {
    /// An empty circuit on `num_qubits` qubits.
    pub fn new(num_qubits: u32) -> Self {
        Self {
            num_qubits,
            gates: Vec::new(),
        }
    }

    /// Circuit width.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }

    /// The gates in application order.
    pub fn gates(&self) -> &[Gate] {
        &self.gates
    }

    /// Appends a gate after checking its qubits.
    pub fn push(&mut self, gate: Gate) -> Result<&mut Self, CircuitError> {
        gate.check(self.num_qubits)?;
        self.gates.push(gate);
        Ok(self)
    }

    /// Appends a single-qubit unitary.
    pub fn single(&mut self, q: u32, m: Mat2) -> Result<&mut Self, CircuitError> {
        self.push(Gate::Single { q, m })
    }

    /// Appends a controlled single-qubit unitary.
    pub fn controlled(&mut self, c: u32, t: u32, m: Mat2) -> Result<&mut Self, CircuitError> {
        self.push(Gate::Controlled {
            control: c,
            target: t,
            m,
        })
    }

    /// Appends `m` on `t` controlled by every qubit in `controls`.
    pub fn multi_controlled(
        &mut self,
        controls: &[u32],
        t: u32,
        m: Mat2,
    ) -> Result<&mut Self, CircuitError> {
        let mut mask = 0u64;
        for &c in controls {
            if c >= self.num_qubits || mask >> c & 1 == 1 {
                return Err(CircuitError::Repeated(c).or_range(c, self.num_qubits));
            }
            mask |= 1 << c;
        }
        self.push(Gate::MultiControlled {
            controls: mask,
            target: t,
            m,
        })
    }

    /// Appends a Hadamard.
    pub fn h(&mut self, q: u32) -> Result<&mut Self, CircuitError> {
        self.single(q, Mat2::h())
    }

    /// Appends a Pauli X.
    pub fn x(&mut self, q: u32) -> Result<&mut Self, CircuitError> {
        self.single(q, Mat2::x())
    }

    /// Appends `RY(θ)`.
    pub fn ry(&mut self, q: u32, theta: f64) -> Result<&mut Self, CircuitError> {
        self.single(q, Mat2::ry(theta))
    }

    /// Appends `RZ(θ)`.
    pub fn rz(&mut self, q: u32, theta: f64) -> Result<&mut Self, CircuitError> {
        self.single(q, Mat2::rz(theta))
    }

    /// Appends a CNOT.
    pub fn cx(&mut self, c: u32, t: u32) -> Result<&mut Self, CircuitError> {
        self.controlled(c, t, Mat2::x())
    }

    /// Appends a CZ.
    pub fn cz(&mut self, c: u32, t: u32) -> Result<&mut Self, CircuitError> {
        self.controlled(c, t, Mat2::z())
    }

    /// Appends a SWAP.
    pub fn swap(&mut self, a: u32, b: u32) -> Result<&mut Self, CircuitError> {
        self.push(Gate::Swap { a, b })
    }

    /// The same circuit with every run of single-qubit gates on one qubit
    /// (uninterrupted by a multi-qubit gate on that qubit) merged into one
    /// 2x2 unitary, placed where the run ends. The unitary is unchanged.
    pub fn fused(&self) -> Circuit {
        let width = self.num_qubits as usize;
        let mut pending: Vec<Option<Mat2>> = vec![None; width];
        let mut out = Vec::with_capacity(self.gates.len());
        for gate in &self.gates {
            match *gate {
                Gate::Single { q, m } => {
                    let slot = &mut pending[q as usize];
                    *slot = Some(slot.map_or(m, |acc| m.mul(&acc)));
                }
                _ => {
                    for q in gate.qubits() {
                        if let Some(m) = pending[q as usize].take() {
                            out.push(Gate::Single { q, m });
                        }
                    }
                    out.push(*gate);
                }
            }
        }
        for (q, slot) in pending.into_iter().enumerate() {
            if let Some(m) = slot {
                out.push(Gate::Single { q: q as u32, m });
            }
        }
        Circuit {
            num_qubits: self.num_qubits,
            gates: out,
        }
    }
}
