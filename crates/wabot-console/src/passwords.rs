//! Password hashes: argon2id with the crate's default parameters, stored as PHC strings. Hashing
//! takes tens of milliseconds of CPU on purpose, so the async callers run it on a blocking thread.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::ConsoleError;
use crate::tokens::random_salt;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a new password is refused, in words an operator can act on.
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Some(format!(
            "the password has {chars} characters; use at least {MIN_PASSWORD_CHARS}"
        ));
    }
    if password.trim() != password {
        return Some("the password starts or ends with a space; remove it".into());
    }
    None
}

/// The PHC string of `password`'s argon2id hash with a new random salt.
pub fn hash_password(password: &str) -> Result<String, ConsoleError> {
    let salt = SaltString::encode_b64(&random_salt()?)
        .map_err(|e| ConsoleError::Internal(format!("cannot encode a salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| ConsoleError::Internal(format!("cannot hash a password: {e}")))
}

/// Whether `password` matches the stored PHC string (an unreadable hash matches nothing).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// [`hash_password`] on a blocking thread.
pub async fn hash_password_off_thread(password: String) -> Result<String, ConsoleError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ConsoleError::Internal(format!("the hashing task failed: {e}")))?
}

/// [`verify_password`] on a blocking thread; a failed task matches nothing.
pub async fn verify_password_off_thread(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horsf", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(hash, hash_password("correct horse").unwrap(), "salted");
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(password_problem("short").unwrap().contains("at least 10"));
        assert!(password_problem(" spaces around ").is_some());
        assert_eq!(password_problem("long enough pass"), None);
    }
}
