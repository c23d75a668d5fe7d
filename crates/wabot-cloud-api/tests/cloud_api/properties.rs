//! Property tests: no input makes the webhook parser or the signature check panic.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use wabot_cloud_api::{SignatureVerifier, WebhookPayload};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "text",
            "interactive",
            "image",
            "messages",
            "statuses",
            "id",
            "type",
            "failed"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let keys = prop::sample::select(vec![
            "object",
            "entry",
            "changes",
            "field",
            "value",
            "messages",
            "statuses",
            "contacts",
            "errors",
            "metadata",
            "type",
            "text",
            "body",
            "interactive",
            "button_reply",
            "list_reply",
            "id",
            "from",
            "timestamp",
            "status",
            "context",
            "image",
            "reaction",
            "emoji",
            "code",
            "error_data",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..6).prop_map(|pairs| Value::Object(
                pairs
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<Map<_, _>>()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_json_never_panics_the_parser(value in any_json()) {
        let body = serde_json::to_vec(&value).unwrap();
        let parsed = WebhookPayload::parse(&body);
        prop_assert_eq!(parsed.is_ok(), value.is_object());
    }

    #[test]
    fn arbitrary_json_inside_a_real_envelope_never_panics(message in any_json(), status in any_json()) {
        let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
            {"field": "messages", "value": {"messages": [message], "statuses": [status]}}]}]});
        let payload = WebhookPayload::parse(&serde_json::to_vec(&body).unwrap()).unwrap();
        prop_assert_eq!(payload.messages_values().count(), 1);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256), header in prop::collection::vec(any::<u8>(), 0..80)) {
        let _ = WebhookPayload::parse(&bytes);
        let verifier = SignatureVerifier::new(&[b"secret"]).unwrap();
        prop_assert!(verifier.verify(Some(&header), &bytes).is_err());
    }
}
