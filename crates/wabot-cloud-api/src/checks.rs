//! [`BuildError`] and the length, count and uniqueness checks every builder uses.

use std::collections::HashSet;

use wabot_engine::limits::chars;

/// Why a message was not built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// A required text is empty.
    #[error("{field} is empty")]
    Empty {
        /// The JSON path of the field.
        field: String,
    },
    /// A text is longer than WhatsApp allows.
    #[error("{field} is {actual} characters long; WhatsApp allows at most {max}")]
    TooLong {
        /// The JSON path of the field.
        field: String,
        /// The limit.
        max: usize,
        /// The length found.
        actual: usize,
    },
    /// A list has too few or too many items.
    #[error("{field} has {actual} items; WhatsApp allows {min} to {max}")]
    Count {
        /// The JSON path of the list.
        field: String,
        /// The fewest allowed.
        min: usize,
        /// The most allowed.
        max: usize,
        /// The number found.
        actual: usize,
    },
    /// Two items that must differ are equal.
    #[error("{field} `{value}` appears twice; it must be unique")]
    Duplicate {
        /// The JSON path of the field.
        field: String,
        /// The repeated value.
        value: String,
    },
    /// A value is not acceptable for another reason.
    #[error("{field} is invalid: {reason}")]
    Invalid {
        /// The JSON path of the field.
        field: String,
        /// Why.
        reason: &'static str,
    },
}

/// Checks a required text against a maximum length.
pub(crate) fn text(field: &str, value: &str, max: usize) -> Result<(), BuildError> {
    if value.trim().is_empty() {
        return Err(BuildError::Empty {
            field: field.to_owned(),
        });
    }
    optional_text(field, value, max)
}

/// Checks an optional text's length.
pub(crate) fn optional_text(field: &str, value: &str, max: usize) -> Result<(), BuildError> {
    let actual = chars(value);
    if actual > max {
        return Err(BuildError::TooLong {
            field: field.to_owned(),
            max,
            actual,
        });
    }
    Ok(())
}

pub(crate) fn count(field: &str, actual: usize, min: usize, max: usize) -> Result<(), BuildError> {
    if (min..=max).contains(&actual) {
        Ok(())
    } else {
        Err(BuildError::Count {
            field: field.to_owned(),
            min,
            max,
            actual,
        })
    }
}

pub(crate) fn unique<'a>(
    field: &str,
    values: impl Iterator<Item = &'a str>,
) -> Result<(), BuildError> {
    let mut seen = HashSet::new();
    for value in values {
        if !seen.insert(value) {
            return Err(BuildError::Duplicate {
                field: field.to_owned(),
                value: value.to_owned(),
            });
        }
    }
    Ok(())
}
