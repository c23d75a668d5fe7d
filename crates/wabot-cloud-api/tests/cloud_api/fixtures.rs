//! Hand-written webhook fixtures (from the fact sheet) for what Meta's spec has no example of:
//! statuses, BSUID-only senders, batches, unknown types and odd shapes.

use std::path::Path;

use wabot_cloud_api::{Change, InteractiveReply, MessageContent, StatusKind, WebhookPayload};

fn fixture(name: &str) -> WebhookPayload {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    WebhookPayload::parse(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn statuses_are_read_in_order_with_their_details() {
    let payload = fixture("statuses.json");
    let value = payload.messages_values().next().unwrap();
    let kinds: Vec<&str> = value.statuses.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "sent",
            "delivered",
            "read",
            "played",
            "failed",
            "warning_new_status"
        ]
    );
    let sent = &value.statuses[0];
    assert_eq!(sent.biz_opaque_callback_data.as_deref(), Some("order-42"));
    assert_eq!(
        sent.recipient_user_id.as_deref(),
        Some("US.13491208655302741918")
    );
    assert_eq!(sent.conversation_origin.as_deref(), Some("service"));
    assert_eq!(
        sent.pricing.as_ref().unwrap().category.as_deref(),
        Some("service")
    );
    assert_eq!(
        value.statuses[1].timestamp,
        Some(1_750_030_073),
        "numeric timestamp"
    );
    let failed = &value.statuses[4];
    assert_eq!(failed.status, StatusKind::Failed);
    assert_eq!(failed.errors[0].code, Some(131_047));
    assert!(
        failed.errors[0]
            .details
            .as_deref()
            .unwrap()
            .contains("24 hours")
    );
    assert_eq!(
        value.statuses[5].status,
        StatusKind::Unknown("warning_new_status".into())
    );
    assert_eq!(value.statuses[5].recipient_id, None);
}

#[test]
fn a_sender_known_only_by_business_scoped_id_is_still_a_sender() {
    let payload = fixture("bsuid_only.json");
    let value = payload.messages_values().next().unwrap();
    let message = &value.messages[0];
    assert_eq!(message.from, None);
    assert_eq!(message.sender(), Some("US.13491208655302741918"));
    assert_eq!(value.contacts[0].wa_id, None);
    assert_eq!(value.contacts[0].username.as_deref(), Some("@ana"));
    assert_eq!(
        value.contacts[0].parent_user_id.as_deref(),
        Some("US.ENT.1")
    );
}

#[test]
fn every_entry_change_message_and_status_of_a_batch_counts() {
    let payload = fixture("batch.json");
    assert_eq!(payload.entries.len(), 2);
    let ids: Vec<&str> = payload
        .messages_values()
        .flat_map(|v| &v.messages)
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(ids, ["wamid.A1", "wamid.B1", "wamid.A2", "wamid.C1"]);
    let statuses: usize = payload.messages_values().map(|v| v.statuses.len()).sum();
    assert_eq!(statuses, 1);
    let other = &payload.entries[0].changes[1];
    assert!(matches!(other, Change::Unknown { field, .. } if field == "account_update"));
    let list = &payload.messages_values().next().unwrap().messages[1];
    assert_eq!(
        list.context.as_ref().unwrap().id.as_deref(),
        Some("wamid.MENU")
    );
    assert!(
        matches!(&list.content, MessageContent::Interactive(InteractiveReply::ListReply { id, .. }) if id == "m:main:2")
    );
    let image = &payload.messages_values().next().unwrap().messages[2];
    assert!(
        matches!(&image.content, MessageContent::Image(media) if media.id == "MEDIA1" && media.caption.as_deref() == Some("Broken"))
    );
    let button = &payload.entries[1].changes[0];
    let Change::Messages(value) = button else {
        panic!("messages expected")
    };
    assert_eq!(value.metadata.phone_number_id.as_deref(), Some("PN2"));
    assert!(
        matches!(&value.messages[0].content, MessageContent::Button { payload: Some(p), .. } if p == "TRACK")
    );
}

#[test]
fn odd_shapes_are_kept_not_refused() {
    let payload = fixture("oddities.json");
    let value = payload.messages_values().next().unwrap();
    assert_eq!(value.errors[0].code, Some(131_000));
    let contents: Vec<&MessageContent> = value.messages.iter().map(|m| &m.content).collect();
    // An interactive message without its object, and an unknown type: kept raw.
    assert!(matches!(contents[0], MessageContent::Unknown { raw } if raw["id"] == "wamid.ODD1"));
    assert!(
        matches!(contents[1], MessageContent::Unknown { raw } if raw["poll_creation"]["name"] == "Lunch?")
    );
    assert_eq!(value.messages[1].kind, "poll_creation");
    // A removed reaction has no emoji.
    assert!(matches!(
        contents[2],
        MessageContent::Reaction {
            emoji: None,
            message_id: Some(_)
        }
    ));
    assert!(matches!(contents[3], MessageContent::Unsupported { kind: Some(k) } if k == "edit"));
    assert_eq!(value.messages[3].errors[0].code, Some(131_051));
    assert!(matches!(contents[4], MessageContent::Audio(media) if media.voice == Some(true)));
    assert!(
        matches!(contents[5], MessageContent::Interactive(InteractiveReply::NfmReply { response_json: Some(json), .. }) if json.contains("flow_token"))
    );
    let forwarded = value.messages[6].context.as_ref().unwrap();
    assert!(forwarded.forwarded && forwarded.frequently_forwarded);
    assert!(matches!(
        contents[7],
        MessageContent::Revoke {
            original_message_id: Some(_)
        }
    ));
    assert!(matches!(contents[8], MessageContent::Location(location) if location.name.is_none()));
}

#[test]
fn only_non_objects_are_refused() {
    assert!(WebhookPayload::parse(b"not json").is_err());
    assert!(WebhookPayload::parse(b"[1,2]").is_err());
    let empty = WebhookPayload::parse(b"{}").unwrap();
    assert!(empty.entries.is_empty());
    let odd = WebhookPayload::parse(br#"{"object":7,"entry":{"not":"a list"}}"#).unwrap();
    assert_eq!(odd.object, "7");
    assert!(odd.entries.is_empty());
}
