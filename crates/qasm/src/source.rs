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
        f.debug_struct("Parsed").field("includes", &self.includes.keys()).finish()
    }
}

impl Parsed {
    /// The source text a span covers.
    pub fn text(&self, span: FileSpan) -> &str {
        self.cache.get_source(span)
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
        QasmError::Program { line: self.line(span), message }
    }
}

fn line_of(
    cache: &SourceCache,
    main: &str,
    includes: &HashMap<PathBuf, String>,
    span: FileSpan,
) -> usize {
    let text = cache.get_path(span).and_then(|p| includes.get(p)).map_or(main, String::as_str);
    let end = span.start().min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Parses and type-checks `source`; `base` resolves `include`s other than
/// `qelib1.inc`, which always means the built-in standard gates.
pub fn parse(source: &str, base: Option<&Path>) -> Result<Parsed, QasmError> {
    let mut includes = HashMap::new();
    let mut cache = SourceCache::new();
    let result = {
        let mut resolve = |path: &Path| resolve_include(path, base, &mut includes);
        let mut parser =
            Parser::new(&mut cache).with_file_policy(FilePolicy::Custom(&mut resolve));
        parser.parse_source(source.to_string(), None::<&Path>);
        parser.done()
    };
    let program = match result {
        Ok(program) => program,
        Err(errors) => return Err(parse_error(&cache, source, &includes, &errors)),
    };
    let parsed = Parsed { program, cache, main: source.to_string(), includes };
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
        std::fs::read_to_string(dir.join(path))
    } else {
        let reason = "only qelib1.inc can be included from source text";
        return FileResult::Error(reason.into());
    };
    match text {
        Ok(text) => {
            includes.insert(path.to_path_buf(), text.clone());
            FileResult::Success(text)
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
        return QasmError::Program { line: 1, message: "unknown parse error".into() };
    };
    match first {
        ParseError::InvalidToken { span } => {
            located(*span, format!("invalid token `{}`", cache.get_source(*span)))
        }
        ParseError::UnexpectedToken { expected, span, .. } => located(
            *span,
            format!("unexpected `{}`{}", cache.get_source(*span), expectation(expected)),
        ),
        ParseError::UnexpectedEOF { expected, span } => {
            located(*span, format!("unexpected end of file{}", expectation(expected)))
        }
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
        T::RedefinedGate { name, .. } => (name.span, format!("gate `{}` is defined twice", name.inner)),
        T::RedefinedArgument { name, .. } | T::RedefinedParameter { name, .. } => {
            (name.span, format!("`{}` is declared twice", name.inner))
        }
        T::RecursiveDefinition { cycle } => match cycle.first() {
            Some((def, _)) => (*def, "gate definitions are recursive".to_string()),
            None => return QasmError::Program { line: 1, message: e.to_string() },
        },
        T::ZeroSizeRegister { decl, .. } => (*decl, "register of size zero".to_string()),
        T::RedefinedRegister { reg, .. } => (reg.span, format!("register `{}` is declared twice", reg.name)),
        T::UndefinedParameter { name, span, .. } => (*span, format!("undefined parameter `{name}`")),
        T::InvalidComparisonSize { stmt, .. } => (*stmt, e.to_string()),
        T::WrongArgumentArity { stmt, name, arity, actual, .. } => {
            (*stmt, format!("gate `{name}` takes {arity} qubit(s), got {actual}"))
        }
        T::WrongParameterArity { stmt, name, arity, actual, .. } => {
            (*stmt, format!("gate `{name}` takes {arity} parameter(s), got {actual}"))
        }
        T::UndefinedGate { name, stmt } => (*stmt, format!("undefined gate `{}`", name.inner)),
        T::WrongOperandSize { span, size, match_size, .. } => {
            (*span, format!("operand of size {size} does not match size {match_size}"))
        }
        T::InvalidRegisterIndex { name, index, size, reg, .. } => {
            (*reg, format!("index {index} is out of range for `{name}` of size {size}"))
        }
        T::WrongRegisterType { name, reg, classical, .. } => {
            let want = if *classical { "classical" } else { "quantum" };
            (*reg, format!("`{name}` is not a {want} register"))
        }
        T::UndefinedRegister { name, reg, .. } => (*reg, format!("undefined register `{name}`")),
    };
    parsed.error(span, message)
}
