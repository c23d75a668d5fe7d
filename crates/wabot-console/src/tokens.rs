//! Secrets the console hands out: session ids and CSRF tokens (256 random bits each, hex), the
//! SHA-256 a session is stored by, and a comparison that takes the same time however much matches.

use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::ConsoleError;

/// A new random token: 32 bytes from the system's generator, as 64 hex digits.
pub fn random_token() -> Result<String, ConsoleError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ConsoleError::Internal("the system random generator failed".into()))?;
    Ok(hex::encode(bytes))
}

/// Random bytes for a password salt.
pub fn random_salt() -> Result<[u8; 16], ConsoleError> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ConsoleError::Internal("the system random generator failed".into()))?;
    Ok(bytes)
}

/// How a session is stored: the SHA-256 of its cookie's value, hex. A copy of the database alone
/// cannot be used to sign in.
pub fn session_hash(cookie_value: &str) -> String {
    hex::encode(digest(&SHA256, cookie_value.as_bytes()))
}

/// Whether two tokens are equal, in time that depends only on their lengths.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |difference, (x, y)| difference | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_of_256_bits() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn tokens_compare_by_content() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
        assert_ne!(session_hash("a"), session_hash("b"));
        assert_eq!(session_hash("a").len(), 64);
    }
}
