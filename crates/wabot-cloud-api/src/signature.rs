//! `X-Hub-Signature-256`: HMAC-SHA256 of the exact raw body, keyed with the app secret.
//!
//! Verification runs before any parsing, compares in constant time (`ring::hmac::verify`), accepts up to
//! two app secrets so a secret can be rotated without downtime, and its errors never reveal the
//! expected value.

use ring::hmac;

/// The header Meta signs webhooks with.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

const PREFIX: &str = "sha256=";
const DIGEST_HEX_LEN: usize = 64;

/// Why a webhook's signature was refused. None of these carries the expected digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The request had no `X-Hub-Signature-256` header.
    #[error("the X-Hub-Signature-256 header is missing")]
    Missing,
    /// The header is not `sha256=` followed by 64 hexadecimal digits.
    #[error("the X-Hub-Signature-256 header is malformed: {0}")]
    Malformed(&'static str),
    /// The digest does not match the body under any configured app secret.
    #[error("the X-Hub-Signature-256 signature does not match the body")]
    Mismatch,
}

/// Why a [`SignatureVerifier`] could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifierError {
    /// No secret, or only empty ones, was given.
    #[error("at least one non-empty app secret is needed")]
    NoSecret,
    /// More than two secrets were given (one current, one previous is the rotation model).
    #[error("at most two app secrets (current and previous) are accepted")]
    TooManySecrets,
}

/// Checks webhook signatures against one or two app secrets.
pub struct SignatureVerifier {
    keys: Vec<hmac::Key>,
}

impl std::fmt::Debug for SignatureVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignatureVerifier({} secret(s), ***)", self.keys.len())
    }
}

impl SignatureVerifier {
    /// A verifier for the current app secret and, during a rotation, the previous one. Empty
    /// secrets are ignored (a configured-but-blank previous secret means "none").
    pub fn new<S: AsRef<[u8]>>(secrets: &[S]) -> Result<Self, VerifierError> {
        let keys: Vec<hmac::Key> = secrets
            .iter()
            .map(AsRef::as_ref)
            .filter(|secret| !secret.is_empty())
            .map(|secret| hmac::Key::new(hmac::HMAC_SHA256, secret))
            .collect();
        match keys.len() {
            0 => Err(VerifierError::NoSecret),
            1 | 2 => Ok(Self { keys }),
            _ => Err(VerifierError::TooManySecrets),
        }
    }

    /// Verifies `header` (the value of `X-Hub-Signature-256`, if the request had one) over `body`,
    /// the exact bytes received.
    pub fn verify(&self, header: Option<&[u8]>, body: &[u8]) -> Result<(), SignatureError> {
        let tag = parse_header(header.ok_or(SignatureError::Missing)?)?;
        let matches = self
            .keys
            .iter()
            .any(|key| hmac::verify(key, body, &tag).is_ok());
        if matches {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// The 32 digest bytes of a `sha256=<64 hex>` header value.
fn parse_header(header: &[u8]) -> Result<[u8; 32], SignatureError> {
    let header = header.trim_ascii();
    let hex = header
        .strip_prefix(PREFIX.as_bytes())
        .ok_or(SignatureError::Malformed("it must start with sha256="))?;
    if hex.len() != DIGEST_HEX_LEN {
        return Err(SignatureError::Malformed(
            "the digest must be 64 hexadecimal digits",
        ));
    }
    let mut tag = [0u8; 32];
    for (byte, pair) in tag.iter_mut().zip(hex.chunks_exact(2)) {
        let (Some(high), Some(low)) = (hex_value(pair[0]), hex_value(pair[1])) else {
            return Err(SignatureError::Malformed("the digest must be hexadecimal"));
        };
        *byte = high << 4 | low;
    }
    Ok(tag)
}

/// The header value Meta would send for `body` signed with `secret`: `sha256=<lowercase hex>`.
/// For tests and tools (a fake Meta, a replay script).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), body);
    let mut out = String::with_capacity(PREFIX.len() + DIGEST_HEX_LEN);
    out.push_str(PREFIX);
    for byte in tag.as_ref() {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parsing_refuses_everything_but_sha256_and_64_hex_digits() {
        let good = "a".repeat(64);
        let cases: [(String, Result<(), SignatureError>); 6] = [
            (format!("sha256={good}"), Ok(())),
            (format!("  sha256={}  ", good.to_uppercase()), Ok(())),
            (
                format!("sha1={good}"),
                Err(SignatureError::Malformed("it must start with sha256=")),
            ),
            (
                format!("sha256={}", &good[..62]),
                Err(SignatureError::Malformed(
                    "the digest must be 64 hexadecimal digits",
                )),
            ),
            (
                format!("sha256={}zz", &good[..62]),
                Err(SignatureError::Malformed("the digest must be hexadecimal")),
            ),
            (
                String::new(),
                Err(SignatureError::Malformed("it must start with sha256=")),
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(
                parse_header(header.as_bytes()).map(|_| ()),
                expected,
                "{header:?}"
            );
        }
    }

    #[test]
    fn verifiers_need_one_or_two_non_empty_secrets() {
        assert_eq!(
            SignatureVerifier::new::<&str>(&[]).unwrap_err(),
            VerifierError::NoSecret
        );
        assert_eq!(
            SignatureVerifier::new(&["", ""]).unwrap_err(),
            VerifierError::NoSecret
        );
        assert!(SignatureVerifier::new(&["new", ""]).is_ok());
        assert_eq!(
            SignatureVerifier::new(&["a", "b", "c"]).unwrap_err(),
            VerifierError::TooManySecrets
        );
        let debug = format!("{:?}", SignatureVerifier::new(&["topsecret"]).unwrap());
        assert!(!debug.contains("topsecret"), "{debug}");
    }
}
