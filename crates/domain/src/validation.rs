//! The error every input check returns.

use std::fmt;

/// A request field that breaks one of the input rules; the message completes the sentence
/// "`field` ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    pub field: &'static str,
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        InvalidInput {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}.", self.field, self.message)
    }
}

impl std::error::Error for InvalidInput {}

/// Trims `value` and checks it is 1..=`max_chars` characters with no control characters.
pub(crate) fn trimmed_text(
    field: &'static str,
    value: &str,
    max_chars: usize,
) -> Result<String, InvalidInput> {
    let trimmed = value.trim();
    let n_chars = trimmed.chars().count();
    if n_chars == 0 || n_chars > max_chars {
        return Err(InvalidInput::new(
            field,
            format!("must be 1 to {max_chars} characters long after trimming"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(InvalidInput::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds_by_characters_not_bytes() {
        assert_eq!(trimmed_text("f", "  Acme  ", 4), Ok("Acme".to_owned()));
        assert_eq!(trimmed_text("f", "株式会社", 4), Ok("株式会社".to_owned()));
        assert!(trimmed_text("f", "株式会社x", 4).is_err());
        assert!(trimmed_text("f", "   ", 4).is_err());
        assert!(trimmed_text("f", "a\u{0}b", 4).is_err());
    }

    #[test]
    fn message_reads_as_a_sentence() {
        let error = InvalidInput::new("email", "must be a valid address");
        assert_eq!(error.to_string(), "email must be a valid address.");
    }
}
