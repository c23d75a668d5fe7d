//! How a person outside WhatsApp names a customer: by the contact's id, a phone number written any
//! usual way (`+1 555-123 4567`), or a business-scoped user id (`US.1349…`). One rule for the admin
//! API, the terminal chat and, later, imports: a value that can be a phone number (a leading `+`,
//! or eight digits or more) is one, and is looked up as one first; a shorter number is a contact id;
//! a two-letter country code, a dot and letters or digits is a user id; anything else is none.

/// A customer, as named from outside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactRef {
    /// The contact's id in our database.
    Id(i64),
    /// A phone number, normalised to WhatsApp's form (digits only, country code first). When no
    /// contact has it and it is all digits, the lookup tries it as a contact id too.
    Phone(String),
    /// A business-scoped user id.
    UserId(String),
}

/// A phone number in WhatsApp's form: `+`, spaces, dashes, dots and parentheses dropped, 6 to 15
/// digits left (E.164). `None` for anything else.
pub fn phone_number(raw: &str) -> Option<String> {
    let digits: String = raw
        .trim()
        .trim_start_matches('+')
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    ((6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// The ways one mobile number is written in countries that write it two ways, the given form
/// first: Brazil's ninth digit (`55 11 9xxxx xxxx` and `55 11 xxxx xxxx`), Mexico's `521` and `52`,
/// Argentina's `549` and `54` (all for ten national digits). WhatsApp knows each customer by one of
/// them; a number typed by a person may be the other. Any other number has one form.
pub fn phone_variants(number: &str) -> Vec<String> {
    let mut forms = vec![number.to_owned()];
    let other = match (number.len(), number.get(..2), number.get(2..)) {
        // Brazil: country 55, two-digit area, then 9 + eight digits, or eight digits.
        (13, Some("55"), Some(rest)) if rest.as_bytes().get(2) == Some(&b'9') => {
            Some(format!("55{}{}", &rest[..2], &rest[3..]))
        }
        (12, Some("55"), Some(rest)) if matches!(rest.as_bytes().get(2), Some(b'6'..=b'9')) => {
            Some(format!("55{}9{}", &rest[..2], &rest[2..]))
        }
        // Mexico and Argentina: the mobile `1` / `9` after the country code, or not.
        (13, Some("52"), Some(rest)) if rest.starts_with('1') => Some(format!("52{}", &rest[1..])),
        (12, Some("52"), Some(rest)) => Some(format!("521{rest}")),
        (13, Some("54"), Some(rest)) if rest.starts_with('9') => Some(format!("54{}", &rest[1..])),
        (12, Some("54"), Some(rest)) => Some(format!("549{rest}")),
        _ => None,
    };
    forms.extend(other);
    forms
}

/// Whether `raw` is shaped like a business-scoped user id: a two-letter country code, a dot, and
/// letters or digits (`US.13491208655302741918`).
fn user_id(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.len() > 3
        && bytes.len() <= 128
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2] == b'.'
        && bytes[3..].iter().all(u8::is_ascii_alphanumeric)
}

impl ContactRef {
    /// Reads a reference by the rule above; `None` when it is none of the three.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if user_id(raw) {
            return Some(Self::UserId(raw.to_owned()));
        }
        let digits = raw.bytes().filter(u8::is_ascii_digit).count();
        if raw.starts_with('+') || digits >= 8 {
            return phone_number(raw).map(Self::Phone);
        }
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            return raw.parse().ok().filter(|id| *id > 0).map(Self::Id);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_written_two_ways_have_both_forms() {
        for (number, forms) in [
            // Brazil: with and without the mobile ninth digit.
            ("5511987654321", vec!["5511987654321", "551187654321"]),
            ("551187654321", vec!["551187654321", "5511987654321"]),
            // A Brazilian landline (starting 2-5) has one form.
            ("551132654321", vec!["551132654321"]),
            // Mexico: 521 and 52.
            ("5215512345678", vec!["5215512345678", "525512345678"]),
            ("525512345678", vec!["525512345678", "5215512345678"]),
            // Argentina: 549 and 54.
            ("5491123456789", vec!["5491123456789", "541123456789"]),
            ("541123456789", vec!["541123456789", "5491123456789"]),
            // Elsewhere: one form.
            ("15551234567", vec!["15551234567"]),
            ("34612345678", vec!["34612345678"]),
        ] {
            assert_eq!(phone_variants(number), forms, "{number}");
        }
    }

    #[test]
    fn every_form_reads_as_the_rule_says() {
        let phone = |n: &str| Some(ContactRef::Phone(n.to_owned()));
        for (raw, expected) in [
            ("15551234567", phone("15551234567")),
            ("+1 555-123 4567", phone("15551234567")),
            ("+44 (20) 7946.0958", phone("442079460958")),
            ("12345678", phone("12345678")),
            ("+123456", phone("123456")),
            ("42", Some(ContactRef::Id(42))),
            ("1234567", Some(ContactRef::Id(1_234_567))),
            ("0", None),
            (
                "US.13491208655302741918",
                Some(ContactRef::UserId("US.13491208655302741918".to_owned())),
            ),
            ("+1 555 abc", None),
            ("1234567890123456", None),
            ("", None),
            ("drop table", None),
            ("abc", None),
            ("us.123", None),
        ] {
            assert_eq!(ContactRef::parse(raw), expected, "{raw:?}");
        }
    }
}
