//! Criterion benchmark: verify the signature of and parse a typical one-message webhook.
//!
//! `cargo bench -p wabot-cloud-api --bench webhook`; figures go to docs/performance.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use wabot_cloud_api::{SignatureVerifier, WebhookPayload, sign};

/// A text message webhook as Meta sends it (about 500 bytes).
const BODY: &[u8] = br#"{"object":"whatsapp_business_account","entry":[{"id":"419561257915477","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}"#;

fn webhook(c: &mut Criterion) {
    let secret = b"bench-app-secret";
    let header = sign(secret, BODY);
    let verifier = SignatureVerifier::new(&[secret]).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("verify + parse a 1-message webhook", |b| {
        b.iter(|| {
            verifier
                .verify(Some(black_box(header.as_bytes())), black_box(BODY))
                .unwrap_or_else(|e| panic!("{e}"));
            WebhookPayload::parse(black_box(BODY)).unwrap_or_else(|e| panic!("{e}"))
        })
    });
    c.bench_function("verify only", |b| {
        b.iter(|| verifier.verify(Some(black_box(header.as_bytes())), black_box(BODY)))
    });
    c.bench_function("parse only", |b| {
        b.iter(|| WebhookPayload::parse(black_box(BODY)))
    });
}

criterion_group!(benches, webhook);
criterion_main!(benches);
