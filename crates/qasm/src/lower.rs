//! Lowering of the parsed program to a flat list of standard-gate operations.

use std::collections::HashMap;

use openqasm::ast::{Decl, Expr, FileSpan, Reg, Span, Stmt};
use quantum::Gate;

use crate::QasmError;
use crate::source::Parsed;
use crate::stdgates;

/// One standard gate as written (after expanding user-defined gates): its
/// engine gates, the qubits it acts on, and the line that caused it.
#[derive(Debug, Clone)]
pub struct Op {
    /// Gate name, for messages.
    pub name: String,
    /// Engine gates whose product is the standard gate's matrix.
    pub gates: Vec<Gate>,
    /// The qubits the gate acts on, in argument order.
    pub qubits: Vec<u32>,
    /// Line of the top-level statement.
    pub line: usize,
}

/// A whole program as operations on one register of `num_qubits` qubits.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// Total number of qubits over all `qreg`s, in declaration order.
    pub num_qubits: u32,
    /// Operations in program order.
    pub ops: Vec<Op>,
}

/// Bound on expanded gates: nested definitions can grow exponentially.
pub const MAX_OPS: usize = 5_000_000;

struct Def<'a> {
    params: Vec<String>,
    args: Vec<String>,
    body: Option<&'a [Span<Stmt>]>,
}

struct Lowerer<'a> {
    parsed: &'a Parsed,
    defs: HashMap<String, Def<'a>>,
    qregs: HashMap<String, (u32, u32)>,
    num_qubits: u32,
    measured: Vec<bool>,
    ops: Vec<Op>,
    sizes: HashMap<String, u64>,
}

/// The body-level context: parameter values and argument qubits.
struct Scope<'s> {
    params: &'s HashMap<String, f64>,
    args: &'s HashMap<String, u32>,
    span: FileSpan,
}

/// Lowers a parsed program.
pub fn lower(parsed: &Parsed) -> Result<Lowered, QasmError> {
    let mut l = Lowerer {
        parsed,
        defs: HashMap::new(),
        qregs: HashMap::new(),
        num_qubits: 0,
        measured: Vec::new(),
        ops: Vec::new(),
        sizes: HashMap::new(),
    };
    for decl in &parsed.program.decls {
        l.declare(decl)?;
    }
    for decl in parsed
        .program
        .decls
        .iter()
        .filter(|d| parsed.in_main(d.span))
    {
        if let Decl::Stmt(stmt) = &*decl.inner {
            l.statement(stmt)?;
        }
    }
    Ok(Lowered {
        num_qubits: l.num_qubits,
        ops: l.ops,
    })
}

impl<'a> Lowerer<'a> {
    fn declare(&mut self, decl: &'a Span<Decl>) -> Result<(), QasmError> {
        let in_main = self.parsed.in_main(decl.span);
        match &*decl.inner {
            Decl::Def {
                name,
                params,
                args,
                body,
            } => {
                let def = Def {
                    params: params.iter().map(|p| p.inner.to_string()).collect(),
                    args: args.iter().map(|a| a.inner.to_string()).collect(),
                    body: body.as_deref(),
                };
                self.defs.insert(name.inner.to_string(), def);
            }
            Decl::QReg { reg } if in_main => {
                let size = reg.index.unwrap_or(1);
                let size = u32::try_from(size).map_err(|_| self.too_wide(decl.span))?;
                let total = self.num_qubits.checked_add(size);
                let total = total.ok_or_else(|| self.too_wide(decl.span))?;
                self.qregs
                    .insert(reg.name.to_string(), (self.num_qubits, size));
                self.num_qubits = total;
                self.measured.resize(total as usize, false);
            }
            Decl::CReg { .. } | Decl::Include { .. } => {}
            Decl::Stmt(_) if in_main => {}
            Decl::QReg { .. } | Decl::Stmt(_) => {
                let msg = "included files may only define gates";
                return Err(self.parsed.error(decl.span, msg));
            }
        }
        Ok(())
    }

    fn too_wide(&self, span: FileSpan) -> QasmError {
        self.parsed.error(span, "register is too large")
    }

    fn statement(&mut self, stmt: &Span<Stmt>) -> Result<(), QasmError> {
        let span = stmt.span;
        let empty = (HashMap::new(), HashMap::new());
        let scope = Scope {
            params: &empty.0,
            args: &empty.1,
            span,
        };
        match &*stmt.inner {
            Stmt::U {
                theta,
                phi,
                lambda,
                reg,
            } => {
                let p = [
                    self.eval(theta, &scope)?,
                    self.eval(phi, &scope)?,
                    self.eval(lambda, &scope)?,
                ];
                for qs in self.broadcast(&[reg], span)? {
                    self.apply("U", &p, &qs, span)?;
                }
            }
            Stmt::CX { copy, xor } => {
                for qs in self.broadcast(&[copy, xor], span)? {
                    self.apply("CX", &[], &qs, span)?;
                }
            }
            Stmt::Gate { name, params, args } => {
                self.gate_statement(name.inner.as_str(), params, args, &scope)?;
            }
            Stmt::Measure { from, .. } => {
                for qs in self.broadcast(&[from], span)? {
                    self.measured[qs[0] as usize] = true;
                }
            }
            Stmt::Barrier { .. } => {}
            Stmt::Reset { .. } => return Err(self.parsed.error(span, "`reset` is not supported")),
            Stmt::Conditional { .. } => {
                let msg = "classically controlled gates (`if`) are not supported";
                return Err(self.parsed.error(span, msg));
            }
        }
        Ok(())
    }

    /// A top-level gate call, refused up front if it would expand past
    /// [`MAX_OPS`] standard gates.
    fn gate_statement(
        &mut self,
        name: &str,
        params: &[Span<Expr>],
        args: &[Span<Reg>],
        scope: &Scope<'_>,
    ) -> Result<(), QasmError> {
        let p: Vec<f64> = params
            .iter()
            .map(|e| self.eval(e, scope))
            .collect::<Result<_, _>>()?;
        let regs: Vec<&Span<Reg>> = args.iter().collect();
        let runs = self.broadcast(&regs, scope.span)?;
        let each = expanded_size(&self.defs, name, &mut self.sizes);
        let total = each.saturating_mul(runs.len() as u64);
        if total.saturating_add(self.ops.len() as u64) > MAX_OPS as u64 {
            let msg = format!("the program expands to more than {MAX_OPS} gates");
            return Err(self.parsed.error(scope.span, msg));
        }
        for qs in runs {
            self.apply(name, &p, &qs, scope.span)?;
        }
        Ok(())
    }

    /// The qubit lists of a broadcast statement: whole registers pair up
    /// element-wise and single qubits repeat.
    fn broadcast(&self, regs: &[&Span<Reg>], span: FileSpan) -> Result<Vec<Vec<u32>>, QasmError> {
        let mut lists = Vec::with_capacity(regs.len());
        for reg in regs {
            let Some(&(offset, size)) = self.qregs.get(reg.name.as_str()) else {
                let msg = format!("`{}` is not a quantum register", reg.name);
                return Err(self.parsed.error(reg.span, msg));
            };
            lists.push(match reg.index {
                Some(i) if i < u64::from(size) => vec![offset + i as u32],
                Some(i) => {
                    let msg = format!("index {i} is out of range for `{}`", reg.name);
                    return Err(self.parsed.error(reg.span, msg));
                }
                None => (offset..offset + size).collect(),
            });
        }
        let n = lists.iter().map(Vec::len).max().unwrap_or(1);
        if lists.iter().any(|l| l.len() != 1 && l.len() != n) {
            return Err(self.parsed.error(span, "register operands differ in size"));
        }
        Ok((0..n)
            .map(|k| lists.iter().map(|l| l[k.min(l.len() - 1)]).collect())
            .collect())
    }

    fn apply(
        &mut self,
        name: &str,
        p: &[f64],
        qs: &[u32],
        span: FileSpan,
    ) -> Result<(), QasmError> {
        for (i, q) in qs.iter().enumerate() {
            if qs[..i].contains(q) {
                return Err(self
                    .parsed
                    .error(span, format!("`{name}` uses qubit {q} twice")));
            }
            if self.measured[*q as usize] {
                let msg = format!("`{name}` acts on qubit {q} after it was measured");
                return Err(self.parsed.error(span, msg));
            }
        }
        let user = self.defs.get(name).and_then(|d| {
            let params: HashMap<String, f64> =
                d.params.iter().cloned().zip(p.iter().copied()).collect();
            let args: HashMap<String, u32> =
                d.args.iter().cloned().zip(qs.iter().copied()).collect();
            d.body.map(|body| (params, args, body))
        });
        if let Some((params, args, body)) = user {
            let scope = Scope {
                params: &params,
                args: &args,
                span,
            };
            for stmt in body.iter() {
                self.body_statement(stmt, &scope)?;
            }
            return Ok(());
        }
        let Some(gates) = stdgates::expand(name, p, qs) else {
            let msg = match stdgates::signature(name) {
                Some((np, nq)) => format!("`{name}` takes {np} parameter(s) and {nq} qubit(s)"),
                None => format!("opaque gate `{name}` has no definition to simulate"),
            };
            return Err(self.parsed.error(span, msg));
        };
        if self.ops.len() >= MAX_OPS {
            let msg = format!("the program expands to more than {MAX_OPS} gates");
            return Err(self.parsed.error(span, msg));
        }
        let line = self.parsed.line(span);
        self.ops.push(Op {
            name: name.to_string(),
            gates,
            qubits: qs.to_vec(),
            line,
        });
        Ok(())
    }

    fn body_statement(&mut self, stmt: &Span<Stmt>, scope: &Scope<'_>) -> Result<(), QasmError> {
        let qubit = |reg: &Span<Reg>| {
            scope.args.get(reg.name.as_str()).copied().ok_or_else(|| {
                self.parsed
                    .error(reg.span, format!("undefined qubit argument `{}`", reg.name))
            })
        };
        match &*stmt.inner {
            Stmt::U {
                theta,
                phi,
                lambda,
                reg,
            } => {
                let p = [
                    self.eval(theta, scope)?,
                    self.eval(phi, scope)?,
                    self.eval(lambda, scope)?,
                ];
                let q = qubit(reg)?;
                self.apply("U", &p, &[q], scope.span)
            }
            Stmt::CX { copy, xor } => {
                let qs = [qubit(copy)?, qubit(xor)?];
                self.apply("CX", &[], &qs, scope.span)
            }
            Stmt::Gate { name, params, args } => {
                let p: Vec<f64> = params
                    .iter()
                    .map(|e| self.eval(e, scope))
                    .collect::<Result<_, _>>()?;
                let qs: Vec<u32> = args.iter().map(qubit).collect::<Result<_, _>>()?;
                self.apply(name.inner.as_str(), &p, &qs, scope.span)
            }
            Stmt::Barrier { .. } => Ok(()),
            _ => Err(self
                .parsed
                .error(stmt.span, "statement not allowed in a gate body")),
        }
    }

    fn eval(&self, e: &Span<Expr>, scope: &Scope<'_>) -> Result<f64, QasmError> {
        let un = |a: &Span<Expr>, f: fn(f64) -> f64| self.eval(a, scope).map(f);
        let bin = |a: &Span<Expr>, b: &Span<Expr>, f: fn(f64, f64) -> f64| {
            Ok::<f64, QasmError>(f(self.eval(a, scope)?, self.eval(b, scope)?))
        };
        let value = match &*e.inner {
            Expr::Pi => std::f64::consts::PI,
            Expr::Int(_) | Expr::Real(_) => self.literal(e.span)?,
            Expr::Var(name) => match scope.params.get(name.as_str()) {
                Some(v) => *v,
                None => {
                    return Err(self
                        .parsed
                        .error(e.span, format!("undefined parameter `{name}`")));
                }
            },
            Expr::Add(a, b) => bin(a, b, |x, y| x + y)?,
            Expr::Sub(a, b) => bin(a, b, |x, y| x - y)?,
            Expr::Mul(a, b) => bin(a, b, |x, y| x * y)?,
            Expr::Div(a, b) => bin(a, b, |x, y| x / y)?,
            Expr::Pow(a, b) => bin(a, b, libm::pow)?,
            Expr::Neg(a) => un(a, |x| -x)?,
            Expr::Sin(a) => un(a, libm::sin)?,
            Expr::Cos(a) => un(a, libm::cos)?,
            Expr::Tan(a) => un(a, libm::tan)?,
            Expr::Exp(a) => un(a, libm::exp)?,
            Expr::Ln(a) => un(a, libm::log)?,
            Expr::Sqrt(a) => un(a, libm::sqrt)?,
        };
        if value.is_finite() {
            Ok(value)
        } else {
            Err(self
                .parsed
                .error(e.span, "parameter expression is not a finite number"))
        }
    }

    /// Re-reads a number from the original source: the parser keeps reals
    /// only as `f32`, and [`crate::source::normalize`] may have masked it.
    fn literal(&self, span: FileSpan) -> Result<f64, QasmError> {
        let text = self.parsed.text(span);
        let digits = text.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
        digits
            .parse()
            .map_err(|_| self.parsed.error(span, format!("bad number `{text}`")))
    }
}

/// Number of standard gates `name` expands to, memoised; the type checker has
/// already ruled out recursive definitions.
fn expanded_size(
    defs: &HashMap<String, Def<'_>>,
    name: &str,
    memo: &mut HashMap<String, u64>,
) -> u64 {
    if let Some(&size) = memo.get(name) {
        return size;
    }
    let size = match defs.get(name).and_then(|d| d.body) {
        Some(body) => body
            .iter()
            .map(|stmt| match &*stmt.inner {
                Stmt::Gate { name, .. } => expanded_size(defs, name.inner.as_str(), memo),
                Stmt::U { .. } | Stmt::CX { .. } => 1,
                _ => 0,
            })
            .fold(0, u64::saturating_add),
        None => 1,
    };
    memo.insert(name.to_string(), size);
    size
}
