//! In-place kernels on a flat amplitude slice whose length is a power of two.
//!
//! Every kernel visits index groups that differ only in the bits it acts on,
//! walking contiguous runs so that the inner loops stream through memory.

use crate::gate::{C64, Mat2};

/// A 4x4 matrix acting on two bits `(lo, hi)`; local index is `2·hi + lo`.
pub type Mat4 = [[C64; 4]; 4];

/// A 2x2 matrix laid out for two-lane arithmetic: `z·w` for complex `w` is
/// `[w.re, w.re]·z + [−w.im, w.im]·swap(z)`, which maps onto one SIMD
/// register per complex number.
#[derive(Clone, Copy)]
struct Lanes([[f64; 2]; 8]);

impl Lanes {
    fn new(m: &Mat2) -> Self {
        let [[a, b], [c, d]] = m.0;
        let re = |w: C64| [w.re, w.re];
        let im = |w: C64| [-w.im, w.im];
        Self([re(a), im(a), re(b), im(b), re(c), im(c), re(d), im(d)])
    }

    #[inline(always)]
    fn apply(&self, x: &mut C64, y: &mut C64) {
        let k = &self.0;
        let (xv, xs) = ([x.re, x.im], [x.im, x.re]);
        let (yv, ys) = ([y.re, y.im], [y.im, y.re]);
        let row = |r: usize| -> [f64; 2] {
            std::array::from_fn(|l| {
                k[r][l] * xv[l] + k[r + 1][l] * xs[l] + k[r + 2][l] * yv[l] + k[r + 3][l] * ys[l]
            })
        };
        let (nx, ny) = (row(0), row(4));
        *x = C64::new(nx[0], nx[1]);
        *y = C64::new(ny[0], ny[1]);
    }
}

/// Applies `m` to bit `q`.
pub fn mat1(v: &mut [C64], q: u32, m: &Mat2) {
    if m.is_diagonal() {
        return diag1(v, q, m.0[0][0], m.0[1][1]);
    }
    let half = 1usize << q;
    if m.0.iter().flatten().all(|z| z.im == 0.0) {
        // Real matrices (RY, H, X) need half the multiplications.
        let [[a, b], [c, d]] = m.0.map(|row| row.map(|z| z.re));
        for chunk in v.chunks_exact_mut(2 * half) {
            let (lo, hi) = chunk.split_at_mut(half);
            for (x, y) in lo.iter_mut().zip(hi.iter_mut()) {
                let (x0, y0) = (*x, *y);
                *x = x0 * a + y0 * b;
                *y = x0 * c + y0 * d;
            }
        }
        return;
    }
    let lanes = Lanes::new(m);
    for chunk in v.chunks_exact_mut(2 * half) {
        let (lo, hi) = chunk.split_at_mut(half);
        for (x, y) in lo.iter_mut().zip(hi.iter_mut()) {
            lanes.apply(x, y);
        }
    }
}

/// Multiplies amplitudes with bit `q` clear by `d0` and set by `d1`.
pub fn diag1(v: &mut [C64], q: u32, d0: C64, d1: C64) {
    let half = 1usize << q;
    let one = C64::new(1.0, 0.0);
    for chunk in v.chunks_exact_mut(2 * half) {
        let (lo, hi) = chunk.split_at_mut(half);
        if d0 != one {
            lo.iter_mut().for_each(|x| *x *= d0);
        }
        hi.iter_mut().for_each(|y| *y *= d1);
    }
}

/// Calls `f(lo, hi)` on matching runs of the halves where bit `t` is 0 and 1,
/// restricted to indices whose bit `c` is set.
fn controlled_runs(v: &mut [C64], c: u32, t: u32, mut f: impl FnMut(&mut [C64], &mut [C64])) {
    let (ch, th) = (1usize << c, 1usize << t);
    if c > t {
        for outer in v.chunks_exact_mut(2 * ch) {
            let upper = &mut outer[ch..];
            for chunk in upper.chunks_exact_mut(2 * th) {
                let (lo, hi) = chunk.split_at_mut(th);
                f(lo, hi);
            }
        }
    } else {
        for chunk in v.chunks_exact_mut(2 * th) {
            let (lo, hi) = chunk.split_at_mut(th);
            let runs = lo.chunks_exact_mut(2 * ch).zip(hi.chunks_exact_mut(2 * ch));
            for (l, h) in runs {
                f(&mut l[ch..], &mut h[ch..]);
            }
        }
    }
}

/// Applies `m` to bit `t` where bit `c` is set.
pub fn ctrl1(v: &mut [C64], c: u32, t: u32, m: &Mat2) {
    let [[a, _], [_, d]] = m.0;
    if *m == Mat2::x() {
        return controlled_runs(v, c, t, |lo, hi| lo.swap_with_slice(hi));
    }
    if m.is_diagonal() {
        return controlled_runs(v, c, t, |lo, hi| {
            lo.iter_mut().for_each(|x| *x *= a);
            hi.iter_mut().for_each(|y| *y *= d);
        });
    }
    let lanes = Lanes::new(m);
    controlled_runs(v, c, t, |lo, hi| {
        for (x, y) in lo.iter_mut().zip(hi.iter_mut()) {
            lanes.apply(x, y);
        }
    });
}

/// Applies `m` to bit `t` where every bit of the mask `controls` is set.
pub fn mctrl(v: &mut [C64], controls: u64, t: u32, m: &Mat2) {
    let lanes = Lanes::new(m);
    let half = 1usize << t;
    let mask = controls as usize;
    for (k, chunk) in v.chunks_exact_mut(2 * half).enumerate() {
        let base = k * 2 * half;
        let (lo, hi) = chunk.split_at_mut(half);
        for (j, (x, y)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
            if (base + j) & mask == mask {
                lanes.apply(x, y);
            }
        }
    }
}

/// Splits `v` into the four quarter-runs `(00, 01, 10, 11)` of bits `(hi, lo)`
/// and hands each aligned set of runs to `f`, with `lo < hi`.
fn quad_runs(v: &mut [C64], lo: u32, hi: u32, mut f: impl FnMut([&mut [C64]; 4])) {
    let (lh, hh) = (1usize << lo, 1usize << hi);
    for chunk in v.chunks_exact_mut(2 * hh) {
        let (h0, h1) = chunk.split_at_mut(hh);
        let pairs = h0.chunks_exact_mut(2 * lh).zip(h1.chunks_exact_mut(2 * lh));
        for (a, b) in pairs {
            let (a0, a1) = a.split_at_mut(lh);
            let (b0, b1) = b.split_at_mut(lh);
            f([a0, a1, b0, b1]);
        }
    }
}

/// Exchanges bits `a` and `b` of every basis index.
pub fn swap(v: &mut [C64], a: u32, b: u32) {
    let (lo, hi) = (a.min(b), a.max(b));
    quad_runs(v, lo, hi, |[_, r01, r10, _]| r01.swap_with_slice(r10));
}

/// Applies the 4x4 matrix `m` on bits `(lo, hi)` with `lo < hi`.
pub fn mat4(v: &mut [C64], lo: u32, hi: u32, m: &Mat4) {
    quad_runs(v, lo, hi, |[r0, r1, r2, r3]| {
        for i in 0..r0.len() {
            let x = [r0[i], r1[i], r2[i], r3[i]];
            let row = |k: usize| m[k][0] * x[0] + m[k][1] * x[1] + m[k][2] * x[2] + m[k][3] * x[3];
            r0[i] = row(0);
            r1[i] = row(1);
            r2[i] = row(2);
            r3[i] = row(3);
        }
    });
}

/// A phase-covariant single-qubit channel on the density-matrix bit pair
/// (column `lo`, row `hi`): `ρ00 ↦ d0·ρ00 + d1·ρ11`, `ρ11 ↦ d2·ρ00 + d3·ρ11`,
/// `ρ01 ↦ o0·ρ01`, `ρ10 ↦ o1·ρ10`. Depolarizing, amplitude and phase damping
/// all have this shape.
pub fn covariant(v: &mut [C64], lo: u32, hi: u32, d: &[f64; 4], o: &[C64; 2]) {
    quad_runs(v, lo, hi, |[r00, r01, r10, r11]| {
        for (x, y) in r00.iter_mut().zip(r11.iter_mut()) {
            let (x0, y0) = (*x, *y);
            *x = x0 * d[0] + y0 * d[1];
            *y = x0 * d[2] + y0 * d[3];
        }
        scale(r01, o[0]);
        scale(r10, o[1]);
    });
}

/// Multiplies a run by `k`, with the cheaper real product when `k` is real.
fn scale(run: &mut [C64], k: C64) {
    if k.im == 0.0 {
        run.iter_mut().for_each(|z| *z *= k.re);
    } else {
        run.iter_mut().for_each(|z| *z *= k);
    }
}

/// Index with zero bits inserted at the sorted positions `bits`.
fn deposit(mut k: usize, bits: &[u32]) -> usize {
    for &b in bits {
        let low = k & ((1usize << b) - 1);
        k = ((k >> b) << (b + 1)) | low;
    }
    k
}

/// Two-qubit depolarizing `ρ ↦ (1−p)ρ + p·I/4 ⊗ Tr_{ab} ρ` on the density
/// matrix bits `[column a, column b, row a, row b]`.
pub fn depol2(v: &mut [C64], bits: [u32; 4], p: f64) {
    let keep = 1.0 - p;
    let mix = p / 4.0;
    let [ca, cb, ra, rb] = bits.map(|b| 1usize << b);
    let diag = [0, ca | ra, cb | rb, ca | cb | ra | rb];
    let mut sorted = bits;
    sorted.sort_unstable();
    for k in 0..v.len() >> 4 {
        let base = deposit(k, &sorted);
        let tr: C64 = diag.iter().map(|&d| v[base | d]).sum::<C64>() * mix;
        for r in [0, ra, rb, ra | rb] {
            for c in [0, ca, cb, ca | cb] {
                v[base | r | c] *= keep;
            }
        }
        for &d in &diag {
            v[base | d] += tr;
        }
    }
}
