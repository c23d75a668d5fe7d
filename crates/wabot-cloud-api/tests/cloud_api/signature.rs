//! Signature vectors computed independently (Python's `hmac` with SHA-256), rotation, and the
//! re-serialisation trap: the digest is over the exact bytes received, not over equivalent JSON.

use wabot_cloud_api::{SignatureError, SignatureVerifier, WebhookPayload, sign};

const SECRET: &[u8] = b"test-app-secret";
const EMPTY_ENTRY: &[u8] = br#"{"object":"whatsapp_business_account","entry":[]}"#;
/// A body as Meta sends it: non-ASCII escaped as \uXXXX.
const ESCAPED: &[u8] = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"from":"1","id":"wamid.X","timestamp":"1","type":"text","text":{"body":"Caf\u00e9 cr\u00e8me"}}]}}]}]}"#;

const VECTORS: &[(&[u8], &str)] = &[
    (
        EMPTY_ENTRY,
        "sha256=c84a394cc475525991e78ff16e430b02e47f953877d2af0ade26956ce6f384dc",
    ),
    (
        ESCAPED,
        "sha256=ba72070ff42a7745a1d73fe9a2cd31f9749481707df23216b8834a1be1768791",
    ),
    (
        b"",
        "sha256=a7dfadfa864dba471c925e814eca5ee032a7ded01574b16ac33dd477b5d6d0f7",
    ),
];

#[test]
fn sign_matches_independently_computed_vectors() {
    for (body, expected) in VECTORS {
        assert_eq!(sign(SECRET, body), *expected);
    }
}

#[test]
fn verify_accepts_the_vectors_and_refuses_other_secrets() {
    let verifier = SignatureVerifier::new(&[SECRET]).unwrap();
    for (body, header) in VECTORS {
        assert_eq!(verifier.verify(Some(header.as_bytes()), body), Ok(()));
    }
    let stranger = SignatureVerifier::new(&[b"another-secret"]).unwrap();
    let (body, header) = VECTORS[0];
    assert_eq!(
        stranger.verify(Some(header.as_bytes()), body),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn a_reserialised_body_no_longer_matches() {
    let verifier = SignatureVerifier::new(&[SECRET]).unwrap();
    let header = sign(SECRET, ESCAPED);
    let parsed: serde_json::Value = serde_json::from_slice(ESCAPED).unwrap();
    let reserialised = serde_json::to_vec(&parsed).unwrap();
    assert_ne!(reserialised, ESCAPED, "serde_json writes é unescaped");
    assert_eq!(
        verifier.verify(Some(header.as_bytes()), &reserialised),
        Err(SignatureError::Mismatch)
    );
    // The original bytes still verify and parse to the same text.
    assert_eq!(verifier.verify(Some(header.as_bytes()), ESCAPED), Ok(()));
    let payload = WebhookPayload::parse(ESCAPED).unwrap();
    let message = &payload.messages_values().next().unwrap().messages[0];
    assert!(
        matches!(&message.content, wabot_cloud_api::MessageContent::Text { body } if body == "Café crème")
    );
}

#[test]
fn one_changed_byte_or_a_missing_or_garbled_header_is_refused() {
    let verifier = SignatureVerifier::new(&[SECRET]).unwrap();
    let header = sign(SECRET, EMPTY_ENTRY);
    let mut tampered = EMPTY_ENTRY.to_vec();
    tampered[3] ^= 1;
    assert_eq!(
        verifier.verify(Some(header.as_bytes()), &tampered),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verifier.verify(None, EMPTY_ENTRY),
        Err(SignatureError::Missing)
    );
    let garbled = header.replace("sha256=", "sha1=");
    assert!(matches!(
        verifier.verify(Some(garbled.as_bytes()), EMPTY_ENTRY),
        Err(SignatureError::Malformed(_))
    ));
}

#[test]
fn both_secrets_verify_during_a_rotation() {
    let verifier = SignatureVerifier::new(&[SECRET, b"old-secret"]).unwrap();
    let old = "sha256=0b170a1806ee95113debab6ed5deba98ba7fa1b3bd2e1e6d06f039a753e26122";
    assert_eq!(verifier.verify(Some(old.as_bytes()), EMPTY_ENTRY), Ok(()));
    assert_eq!(
        verifier.verify(Some(sign(SECRET, EMPTY_ENTRY).as_bytes()), EMPTY_ENTRY),
        Ok(())
    );
}

#[test]
fn errors_never_reveal_the_expected_digest() {
    let verifier = SignatureVerifier::new(&[SECRET]).unwrap();
    let expected = sign(SECRET, EMPTY_ENTRY);
    let digest = expected.trim_start_matches("sha256=");
    let wrong = format!("sha256={}", "0".repeat(64));
    let error = verifier
        .verify(Some(wrong.as_bytes()), EMPTY_ENTRY)
        .unwrap_err();
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(
            !shown.contains(digest) && !shown.contains(&digest[..16]),
            "{shown}"
        );
    }
}
