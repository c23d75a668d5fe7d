//! Fuzz target: arbitrary bytes as a webhook body and as its signature header must never panic
//! the parser or the signature check, and a forged header must never verify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wabot_cloud_api::{SignatureVerifier, WebhookPayload, sign};

fuzz_target!(|data: &[u8]| {
    // The first byte decides how much of the input is the header; the rest is the body.
    let (header, body) = match data.split_first() {
        Some((&length, rest)) => rest.split_at(usize::from(length).min(rest.len())),
        None => (&[][..], &[][..]),
    };
    let verifier = SignatureVerifier::new(&[b"fuzz-secret"]).unwrap_or_else(|e| panic!("{e}"));
    let forged = verifier.verify(Some(header), body);
    let genuine = sign(b"fuzz-secret", body);
    assert!(forged.is_err() || header.trim_ascii().eq_ignore_ascii_case(genuine.as_bytes()));
    assert!(verifier.verify(Some(genuine.as_bytes()), body).is_ok());
    if let Ok(payload) = WebhookPayload::parse(body) {
        for value in payload.messages_values() {
            let _ = value.messages.iter().map(|m| m.sender()).count();
        }
    }
});
