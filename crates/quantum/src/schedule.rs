//! Cache-blocked execution of an operation list on a large flat vector.
//!
//! Operations on disjoint bits commute, so the list is cut into stages: each
//! stage takes, in order, every pending operation that touches no bit of an
//! operation it skipped and whose bits above the [`LOW_BITS`] lowest fit,
//! together with the stage's other high bits, in [`MAX_HIGH`] bits. A stage
//! then runs tile by tile: a tile is every index sharing the values of the
//! remaining bits, `2^(LOW_BITS + MAX_HIGH)` amplitudes at most, gathered
//! into a buffer that stays in the L2 cache while all the stage's operations
//! run on it. A layer of a wide circuit thus costs a few sweeps over memory
//! instead of one per gate.

use crate::circuit::Gate;
use crate::gate::C64;
use crate::kernels::{self, Mat4};
use crate::statevector::apply_gate;

/// Bits always inside a tile: runs of `2^LOW_BITS` contiguous amplitudes.
pub const LOW_BITS: u32 = 9;
/// Further bits a stage may add to its tiles.
pub const MAX_HIGH: u32 = 6;

/// One operation on the bits of a flat vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// A unitary gate, its qubits read as bit positions.
    Gate(Gate),
    /// A 4x4 matrix on bits `(lo, hi)`, local index `2·hi + lo`.
    Mat4 {
        /// Low bit.
        lo: u32,
        /// High bit.
        hi: u32,
        /// The matrix.
        m: Mat4,
    },
    /// A phase-covariant single-qubit channel on the density-matrix bits
    /// `(lo = column, hi = row)`: see [`kernels::covariant`].
    Covariant {
        /// Column bit.
        lo: u32,
        /// Row bit.
        hi: u32,
        /// Real mixing of the diagonal pair.
        diag: [f64; 4],
        /// Factors of the two coherences.
        off: [C64; 2],
    },
    /// Two-qubit depolarizing on density-matrix bits
    /// `[column a, column b, row a, row b]`.
    Depol2 {
        /// The four bits.
        bits: [u32; 4],
        /// Depolarizing probability.
        p: f64,
    },
}

impl Op {
    /// The bits the operation reads or writes.
    pub fn mask(&self) -> u64 {
        match self {
            Op::Gate(g) => g.qubits().iter().fold(0, |m, &q| m | 1 << q),
            Op::Mat4 { lo, hi, .. } | Op::Covariant { lo, hi, .. } => 1 << lo | 1 << hi,
            Op::Depol2 { bits, .. } => bits.iter().fold(0, |m, &b| m | 1 << b),
        }
    }

    /// The same operation with every bit `b` renamed to `f(b)`.
    fn remap(&self, f: impl Fn(u32) -> u32) -> Op {
        match *self {
            Op::Gate(g) => Op::Gate(match g {
                Gate::Single { q, m } => Gate::Single { q: f(q), m },
                Gate::Controlled { control, target, m } => Gate::Controlled {
                    control: f(control),
                    target: f(target),
                    m,
                },
                Gate::Swap { a, b } => Gate::Swap { a: f(a), b: f(b) },
                Gate::MultiControlled {
                    controls,
                    target,
                    m,
                } => {
                    let controls = (0..64)
                        .filter(|b| controls >> b & 1 == 1)
                        .fold(0u64, |acc, b| acc | 1 << f(b));
                    Gate::MultiControlled {
                        controls,
                        target: f(target),
                        m,
                    }
                }
            }),
            Op::Mat4 { lo, hi, m } => Op::Mat4 {
                lo: f(lo),
                hi: f(hi),
                m,
            },
            Op::Covariant { lo, hi, diag, off } => Op::Covariant {
                lo: f(lo),
                hi: f(hi),
                diag,
                off,
            },
            Op::Depol2 { bits, p } => Op::Depol2 {
                bits: bits.map(f),
                p,
            },
        }
    }

    /// Applies the operation to `v`.
    pub fn apply(&self, v: &mut [C64]) {
        match self {
            Op::Gate(g) => apply_gate(v, g),
            Op::Mat4 { lo, hi, m } => kernels::mat4(v, *lo, *hi, m),
            Op::Covariant { lo, hi, diag, off } => kernels::covariant(v, *lo, *hi, diag, off),
            Op::Depol2 { bits, p } => kernels::depol2(v, *bits, *p),
        }
    }
}

/// Runs `ops` in order on `v` (whose length is a power of two), blocked for
/// the cache when `v` is larger than one tile.
pub fn execute(v: &mut [C64], ops: &[Op]) {
    let bits = v.len().trailing_zeros();
    if bits <= LOW_BITS + MAX_HIGH {
        ops.iter().for_each(|op| op.apply(v));
        return;
    }
    let mut done = vec![false; ops.len()];
    let mut buf = vec![C64::new(0.0, 0.0); 1 << (LOW_BITS + MAX_HIGH)];
    let used = ops.iter().fold(0, |m, op| m | op.mask());
    let mut first = 0;
    while first < ops.len() {
        let (chosen, high) = plan(ops, &done, first, used);
        if chosen.is_empty() {
            ops[first].apply(v);
            done[first] = true;
        } else {
            let stage: Vec<Op> = chosen.iter().map(|&i| ops[i]).collect();
            run_stage(v, &stage, high, &mut buf);
            chosen.iter().for_each(|&i| done[i] = true);
        }
        while first < ops.len() && done[first] {
            first += 1;
        }
    }
}

/// How far past the first pending operation a stage looks; bounds planning
/// to linear time on long programs.
const LOOKAHEAD: usize = 4096;

/// Picks the operations of the next stage and its high bits. `used` is every
/// bit any operation touches: once all are blocked nothing more can join.
fn plan(ops: &[Op], done: &[bool], first: usize, used: u64) -> (Vec<usize>, u64) {
    let low = (1u64 << LOW_BITS) - 1;
    let (mut high, mut blocked, mut chosen) = (0u64, 0u64, Vec::new());
    let window = ops.iter().enumerate().skip(first).take(LOOKAHEAD);
    for (i, op) in window.filter(|(i, _)| !done[*i]) {
        let mask = op.mask();
        let grown = high | (mask & !low);
        if mask & blocked == 0 && grown.count_ones() <= MAX_HIGH {
            high = grown;
            chosen.push(i);
        } else {
            blocked |= mask;
            if blocked == used {
                break;
            }
        }
    }
    (chosen, high)
}

/// Index `k` with zero bits inserted at the ascending positions `at`.
fn deposit(mut k: usize, at: &[u32]) -> usize {
    for &b in at {
        let below = k & ((1usize << b) - 1);
        k = ((k >> b) << (b + 1)) | below;
    }
    k
}

fn run_stage(v: &mut [C64], stage: &[Op], high: u64, buf: &mut [C64]) {
    let hs: Vec<u32> = (0..64).filter(|b| high >> b & 1 == 1).collect();
    let local_bits = LOW_BITS + hs.len() as u32;
    let rename = |b: u32| match hs.iter().position(|&h| h == b) {
        Some(j) => LOW_BITS + j as u32,
        None => b,
    };
    let local: Vec<Op> = stage.iter().map(|op| op.remap(rename)).collect();
    let tile = 1usize << local_bits;
    let contiguous = hs
        .iter()
        .enumerate()
        .all(|(j, &h)| h == LOW_BITS + j as u32);
    if contiguous {
        // Every operation acts inside any aligned block holding its bits, so
        // the largest block that fits the cache serves.
        for chunk in v.chunks_exact_mut(1 << (LOW_BITS + MAX_HIGH)) {
            local.iter().for_each(|op| op.apply(chunk));
        }
        return;
    }
    let run = 1usize << LOW_BITS;
    let offsets: Vec<usize> = (0..1usize << hs.len()).map(|h| spread(h, &hs)).collect();
    let buf = &mut buf[..tile];
    let tiles = v.len() >> local_bits;
    for t in 0..tiles {
        let base = deposit(t << LOW_BITS, &hs);
        for (h, off) in offsets.iter().enumerate() {
            buf[h * run..(h + 1) * run].copy_from_slice(&v[base + off..base + off + run]);
        }
        local.iter().for_each(|op| op.apply(buf));
        for (h, off) in offsets.iter().enumerate() {
            v[base + off..base + off + run].copy_from_slice(&buf[h * run..(h + 1) * run]);
        }
    }
}

/// Places bit `j` of `h` at position `hs[j]`.
fn spread(h: usize, hs: &[u32]) -> usize {
    hs.iter()
        .enumerate()
        .fold(0, |acc, (j, &b)| acc | ((h >> j) & 1) << b)
}
