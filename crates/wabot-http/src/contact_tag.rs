//! [`ContactTag`]: how logs name a customer without their phone number — a keyed hash (HMAC-SHA256
//! under a key derived from the app secret, first 6 bytes in hex, `c-` prefixed). The same number
//! gets the same tag across restarts and instances, so log lines can be followed; without the app
//! secret the tag cannot be turned back into a number (an unkeyed hash of a phone number can be
//! reversed by trying every number).

use ring::hmac;

/// Makes log tags for contacts.
pub struct ContactTag {
    key: hmac::Key,
}

impl ContactTag {
    /// Tags keyed by `app_secret`.
    pub fn new(app_secret: &[u8]) -> Self {
        let derived = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, app_secret),
            b"wabot contact log tag",
        );
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
        }
    }

    /// The tag of a WhatsApp id (or business-scoped user id).
    pub fn of(&self, id: &str) -> String {
        let tag = hmac::sign(&self.key, id.as_bytes());
        let hex: String = tag.as_ref()[..6]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("c-{hex}")
    }
}

impl std::fmt::Debug for ContactTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContactTag(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_stable_per_secret_and_hide_the_number() {
        let tags = ContactTag::new(b"secret");
        let tag = tags.of("15551234567");
        assert_eq!(tag, ContactTag::new(b"secret").of("15551234567"));
        assert_ne!(tag, ContactTag::new(b"other").of("15551234567"));
        assert_ne!(tag, tags.of("15551234568"));
        assert!(tag.starts_with("c-") && tag.len() == 14, "{tag}");
        assert!(!tag.contains("1555"));
    }
}
