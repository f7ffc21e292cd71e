//! Parsing with the `openqasm` crate and mapping its spans to line numbers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ariadne::Span as _;
use openqasm::ast::{FileSpan, Program};
use openqasm::parser::{FilePolicy, FileResult, ParseError, Parser, SourceCache};
use openqasm::typing::TypeError;

use crate::QasmError;
use crate::stdgates::QELIB1;

/// A parsed and type-checked program with the text needed to locate spans.
pub struct Parsed {
    /// The declarations of the main file and of its includes.
    pub program: Program,
    cache: SourceCache,
    main: String,
    includes: HashMap<PathBuf, String>,
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parsed")
            .field("includes", &self.includes.keys())
            .finish()
    }
}

impl Parsed {
    /// The original source text a span covers, as written (not as masked for
    /// the lexer).
    pub fn text(&self, span: FileSpan) -> &str {
        let text = self.file_text(span);
        text.get(span.start()..span.end()).unwrap_or_default()
    }

    fn file_text(&self, span: FileSpan) -> &str {
        file_text(&self.cache, &self.main, &self.includes, span)
    }

    /// True when the span lies in the main file rather than an include.
    pub fn in_main(&self, span: FileSpan) -> bool {
        self.cache.get_path(span).is_none()
    }

    /// 1-based line of the start of `span`, in whichever file holds it.
    pub fn line(&self, span: FileSpan) -> usize {
        line_of(&self.cache, &self.main, &self.includes, span)
    }

    /// A located error at `span`.
    pub fn error(&self, span: FileSpan, message: impl Into<String>) -> QasmError {
        let message = match self.cache.get_path(span) {
            Some(path) => format!("in {}: {}", path.display(), message.into()),
            None => message.into(),
        };
        QasmError::Program {
            line: self.line(span),
            message,
        }
    }
}

fn file_text<'t>(
    cache: &SourceCache,
    main: &'t str,
    includes: &'t HashMap<PathBuf, String>,
    span: FileSpan,
) -> &'t str {
    cache
        .get_path(span)
        .and_then(|p| includes.get(p))
        .map_or(main, String::as_str)
}

fn line_of(
    cache: &SourceCache,
    main: &str,
    includes: &HashMap<PathBuf, String>,
    span: FileSpan,
) -> usize {
    let text = file_text(cache, main, includes, span);
    let end = span.start().min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses and type-checks `source`; `base` resolves `include`s other than
/// `qelib1.inc`, which always means the built-in standard gates.
pub fn parse(source: &str, base: Option<&Path>) -> Result<Parsed, QasmError> {
    let mut includes = HashMap::new();
    let mut cache = SourceCache::new();
    let result = {
        let mut resolve = |path: &Path| resolve_include(path, base, &mut includes);
        let mut parser = Parser::new(&mut cache).with_file_policy(FilePolicy::Custom(&mut resolve));
        parser.parse_source(normalize(source), None::<&Path>);
        parser.done()
    };
    let program = match result {
        Ok(program) => program,
        Err(errors) => return Err(parse_error(&cache, source, &includes, &errors)),
    };
    let parsed = Parsed {
        program,
        cache,
        main: source.to_string(),
        includes,
    };
    if let Err(errors) = parsed.program.type_check() {
        let mut located: Vec<QasmError> = errors.iter().map(|e| type_error(&parsed, e)).collect();
        located.sort_by_key(QasmError::line);
        if let Some(first) = located.into_iter().next() {
            return Err(first);
        }
    }
    Ok(parsed)
}

fn resolve_include(
    path: &Path,
    base: Option<&Path>,
    includes: &mut HashMap<PathBuf, String>,
) -> FileResult {
    let text = if path == Path::new("qelib1.inc") {
        Ok(QELIB1.to_string())
    } else if let Some(dir) = base {
        crate::read_bounded(&dir.join(path))
    } else {
        let reason = "only qelib1.inc can be included from source text";
        return FileResult::Error(reason.into());
    };
    match text {
        Ok(text) => {
            let parsed = normalize(&text);
            includes.insert(path.to_path_buf(), text);
            FileResult::Success(parsed)
        }
        Err(e) => FileResult::Error(Box::new(e)),
    }
}

fn parse_error(
    cache: &SourceCache,
    main: &str,
    includes: &HashMap<PathBuf, String>,
    errors: &[ParseError],
) -> QasmError {
    let located = |span: FileSpan, message: String| QasmError::Program {
        line: line_of(cache, main, includes, span),
        message,
    };
    let Some(first) = errors.first() else {
        return QasmError::Program {
            line: 1,
            message: "unknown parse error".into(),
        };
    };
    match first {
        ParseError::InvalidToken { span } => located(
            *span,
            format!("invalid token `{}`", cache.get_source(*span)),
        ),
        ParseError::UnexpectedToken { expected, span, .. } => located(
            *span,
            format!(
                "unexpected `{}`{}",
                cache.get_source(*span),
                expectation(expected)
            ),
        ),
        ParseError::UnexpectedEOF { expected, span } => located(
            *span,
            format!("unexpected end of file{}", expectation(expected)),
        ),
        ParseError::ReadUnableSandboxed { path, from }
        | ParseError::ReadUnableCustom { path, from, .. }
        | ParseError::ReadUnableFilesystem { path, from, .. } => {
            let message = format!("cannot include {}: {first}", path.display());
            match from {
                Some(span) => located(*span, message),
                None => QasmError::Program { line: 1, message },
            }
        }
    }
}

fn expectation(expected: &[String]) -> String {
    if expected.is_empty() {
        String::new()
    } else {
        format!(", expected one of {}", expected.join(" "))
    }
}

fn type_error(parsed: &Parsed, e: &TypeError) -> QasmError {
    use TypeError as T;
    let (span, message) = match e {
        T::RedefinedGate { name, .. } => {
            (name.span, format!("gate `{}` is defined twice", name.inner))
        }
        T::RedefinedArgument { name, .. } | T::RedefinedParameter { name, .. } => {
            (name.span, format!("`{}` is declared twice", name.inner))
        }
        T::RecursiveDefinition { cycle } => match cycle.first() {
            Some((def, _)) => (*def, "gate definitions are recursive".to_string()),
            None => {
                return QasmError::Program {
                    line: 1,
                    message: e.to_string(),
                };
            }
        },
        T::ZeroSizeRegister { decl, .. } => (*decl, "register of size zero".to_string()),
        T::RedefinedRegister { reg, .. } => (
            reg.span,
            format!("register `{}` is declared twice", reg.name),
        ),
        T::UndefinedParameter { name, span, .. } => {
            (*span, format!("undefined parameter `{name}`"))
        }
        T::InvalidComparisonSize { stmt, .. } => (*stmt, e.to_string()),
        T::WrongArgumentArity {
            stmt,
            name,
            arity,
            actual,
            ..
        } => (
            *stmt,
            format!("gate `{name}` takes {arity} qubit(s), got {actual}"),
        ),
        T::WrongParameterArity {
            stmt,
            name,
            arity,
            actual,
            ..
        } => (
            *stmt,
            format!("gate `{name}` takes {arity} parameter(s), got {actual}"),
        ),
        T::UndefinedGate { name, stmt } => (*stmt, format!("undefined gate `{}`", name.inner)),
        T::WrongOperandSize {
            span,
            size,
            match_size,
            ..
        } => (
            *span,
            format!("operand of size {size} does not match size {match_size}"),
        ),
        T::InvalidRegisterIndex {
            name,
            index,
            size,
            reg,
            ..
        } => (
            *reg,
            format!("index {index} is out of range for `{name}` of size {size}"),
        ),
        T::WrongRegisterType {
            name,
            reg,
            classical,
            ..
        } => {
            let want = if *classical { "classical" } else { "quantum" };
            (*reg, format!("`{name}` is not a {want} register"))
        }
        T::UndefinedRegister { name, reg, .. } => (*reg, format!("undefined register `{name}`")),
    };
    parsed.error(span, message)
}

/// Rewrites, without moving any byte, what the `openqasm` lexer rejects but
/// OpenQASM 2.0 allows: carriage returns become spaces, and reals it cannot
/// read (`1e-5`, `2.`, `.5`) or integers past `u64` become runs of `0`. The
/// evaluator re-reads every number from the original text at the same span.
pub fn normalize(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        if b == b'/' && next == b'/' {
            i += bytes[i..]
                .iter()
                .position(|&c| c == b'\n')
                .unwrap_or(bytes.len() - i);
        } else if b == b'"' {
            i += 1 + bytes[i + 1..]
                .iter()
                .position(|&c| c == b'"')
                .map_or(bytes.len(), |p| p + 1);
        } else if b.is_ascii_alphabetic() || b == b'_' {
            i += bytes[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
        } else if b.is_ascii_digit() || (b == b'.' && next.is_ascii_digit()) {
            let len = number_length(&bytes[i..]);
            if !lexer_reads(&bytes[i..i + len]) {
                out[i..i + len].fill(b'0');
            }
            i += len;
        } else {
            if b == b'\r' {
                out[i] = b' ';
            }
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| source.to_string())
}

/// Length of the OpenQASM real or integer starting `s`.
fn number_length(s: &[u8]) -> usize {
    let digits = |from: usize| s[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut n = digits(0);
    if s.get(n) == Some(&b'.') {
        n += 1 + digits(n + 1);
    }
    if matches!(s.get(n), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(s.get(n + 1), Some(b'+' | b'-')));
        let exp = digits(n + 1 + sign);
        if exp > 0 {
            n += 1 + sign + exp;
        }
    }
    n
}

/// True for the forms the lexer accepts: `[0-9]+` within `u64` and
/// `[0-9]+\.[0-9]+`.
fn lexer_reads(s: &[u8]) -> bool {
    match s.iter().position(|&c| c == b'.') {
        None => s.len() <= 18 && s.iter().all(u8::is_ascii_digit),
        Some(dot) => {
            dot > 0
                && dot + 1 < s.len()
                && s.iter()
                    .enumerate()
                    .all(|(i, c)| i == dot || c.is_ascii_digit())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn masks_only_what_the_lexer_rejects_and_keeps_offsets() {
        let cases = [
            ("rx(1e-5) q;", "rx(0000) q;"),
            ("rx(2.) q;", "rx(00) q;"),
            ("rx(.5) q;", "rx(00) q;"),
            ("rx(1.5E+3) q;", "rx(000000) q;"),
            ("rx(0.25) q[12];", "rx(0.25) q[12];"),
            ("u1e5 q; // 3e4\r\n", "u1e5 q; // 3e4\r\n"),
            (
                "include \"a1e5.inc\";\r\nx q;",
                "include \"a1e5.inc\"; \nx q;",
            ),
            (
                "rx(123456789012345678901) q;",
                "rx(000000000000000000000) q;",
            ),
        ];
        for (input, want) in cases {
            let got = normalize(input);
            assert_eq!(got, want);
            assert_eq!(got.len(), input.len());
        }
    }
}
