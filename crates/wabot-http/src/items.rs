//! From a parsed webhook to the items the inbox stores: every message and status of every change of
//! every entry. Messages become engine inputs; statuses become delivery statuses. Anything we cannot key
//! (no id, no sender) is left out of the items but kept in the stored raw event.

use chrono::{DateTime, Utc};
use wabot_app::{
    BusinessEcho, ContactIds, CustomerMessage, DeliveryStatus, IdentityChange, InboundPayload,
    NewInboundItem, StatusUpdate,
};
use wabot_cloud_api::{
    InboundMessage, InteractiveReply, MessageContent, MessageEcho, MessagesValue, Status,
    StatusKind, WebhookPayload,
};
use wabot_engine::{Input, MediaKind};

fn at(timestamp: Option<i64>, fallback: DateTime<Utc>) -> DateTime<Utc> {
    timestamp
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .unwrap_or(fallback)
}

/// What the engine sees of a message.
pub fn input(message: &InboundMessage) -> Input {
    let media = |kind, media: &wabot_cloud_api::Media| Input::Media {
        kind,
        media_id: media.id.clone(),
        caption: media.caption.clone(),
    };
    match &message.content {
        MessageContent::Text { body } => Input::text(body),
        MessageContent::Interactive(InteractiveReply::ButtonReply { id, title })
        | MessageContent::Interactive(InteractiveReply::ListReply { id, title, .. }) => {
            Input::Choice {
                id: id.clone(),
                title: title.clone(),
            }
        }
        MessageContent::Button { payload, text } => {
            Input::text(text.clone().or_else(|| payload.clone()).unwrap_or_default())
        }
        MessageContent::Image(m) => media(MediaKind::Image, m),
        MessageContent::Video(m) => media(MediaKind::Video, m),
        MessageContent::Audio(m) => media(MediaKind::Audio, m),
        MessageContent::Document(m) => media(MediaKind::Document, m),
        MessageContent::Sticker(m) => media(MediaKind::Sticker, m),
        _ => Input::Unsupported {
            kind: message.kind.clone(),
        },
    }
}

fn profile_name(value: &MessagesValue, ids: &ContactIds) -> Option<String> {
    value
        .contacts
        .iter()
        .find(|contact| {
            (ids.wa_id.is_some() && contact.wa_id == ids.wa_id)
                || (ids.user_id.is_some() && contact.user_id == ids.user_id)
        })
        .and_then(|contact| contact.name.clone())
}

fn message_item(
    value: &MessagesValue,
    message: &InboundMessage,
    received: DateTime<Utc>,
) -> Option<NewInboundItem> {
    if message.id.is_empty() || message.sender().is_none() {
        return None;
    }
    let contact = ContactIds {
        wa_id: message.from.clone(),
        user_id: message.from_user_id.clone(),
    };
    if let MessageContent::System {
        kind: Some(kind),
        wa_id,
        user_id,
        ..
    } = &message.content
        && matches!(
            kind.as_str(),
            "user_changed_number" | "user_changed_user_id"
        )
    {
        let new = ContactIds {
            wa_id: wa_id.clone(),
            user_id: user_id.clone(),
        };
        return new.key().is_some().then(|| NewInboundItem {
            dedupe_key: message.id.clone(),
            profile_name: None,
            contact,
            occurred_at: at(message.timestamp, received),
            payload: InboundPayload::IdentityChange(IdentityChange { new }),
        });
    }
    // Reactions, edits, deletions and other system notices are kept in the event but need no
    // answer.
    if matches!(
        message.content,
        MessageContent::Reaction { .. }
            | MessageContent::Edit { .. }
            | MessageContent::Revoke { .. }
            | MessageContent::System { .. }
    ) {
        return None;
    }
    let reply_to = contact.clone();
    Some(NewInboundItem {
        dedupe_key: message.id.clone(),
        profile_name: profile_name(value, &contact),
        contact,
        occurred_at: at(message.timestamp, received),
        payload: InboundPayload::Message(CustomerMessage {
            message_id: message.id.clone(),
            kind: message.kind.clone(),
            input: input(message),
            reply_to,
        }),
    })
}

fn status_item(status: &Status, received: DateTime<Utc>) -> Option<NewInboundItem> {
    let delivery = match status.status {
        StatusKind::Sent => DeliveryStatus::Sent,
        StatusKind::Delivered => DeliveryStatus::Delivered,
        StatusKind::Read | StatusKind::Played => DeliveryStatus::Read,
        StatusKind::Failed => DeliveryStatus::Failed,
        StatusKind::Deleted | StatusKind::Unknown(_) => return None,
    };
    let contact = ContactIds {
        wa_id: status.recipient_id.clone(),
        user_id: status.recipient_user_id.clone(),
    };
    if status.id.is_empty() || contact.key().is_none() {
        return None;
    }
    let error = status.errors.first();
    Some(NewInboundItem {
        dedupe_key: format!("{}:{}", status.id, delivery.as_str()),
        contact,
        profile_name: None,
        occurred_at: at(status.timestamp, received),
        payload: InboundPayload::Status(StatusUpdate {
            message_id: status.id.clone(),
            status: delivery,
            error_code: error.and_then(|e| e.code),
            error_title: error.and_then(|e| e.title.clone().or_else(|| e.message.clone())),
        }),
    })
}

/// A message the business sent from the WhatsApp Business app, for the customer it went to.
fn echo_item(
    echo: &MessageEcho,
    received: DateTime<Utc>,
    take_over: bool,
) -> Option<NewInboundItem> {
    let contact = ContactIds {
        wa_id: echo.to.clone(),
        user_id: echo.to_user_id.clone(),
    };
    if echo.message.id.is_empty() || contact.key().is_none() {
        return None;
    }
    let text = match input(&echo.message) {
        Input::Text { body } => Some(body),
        Input::Media { caption, .. } => caption,
        Input::Choice { title, .. } => Some(title),
        Input::Unsupported { .. } => None,
    };
    Some(NewInboundItem {
        dedupe_key: echo.message.id.clone(),
        contact,
        profile_name: None,
        occurred_at: at(echo.message.timestamp, received),
        payload: InboundPayload::BusinessEcho(BusinessEcho {
            message_id: echo.message.id.clone(),
            kind: echo.message.kind.clone(),
            text,
            take_over,
        }),
    })
}

/// Every item in a payload, in order; `take_over`: whether echoes from the WhatsApp Business app
/// hand their conversation to a person.
pub fn items(
    payload: &WebhookPayload,
    received: DateTime<Utc>,
    take_over: bool,
) -> Vec<NewInboundItem> {
    let mut items: Vec<NewInboundItem> = payload
        .echoes()
        .filter_map(|echo| echo_item(echo, received, take_over))
        .collect();
    for value in payload.messages_values() {
        items.extend(
            value
                .messages
                .iter()
                .filter_map(|message| message_item(value, message, received)),
        );
        items.extend(
            value
                .statuses
                .iter()
                .filter_map(|status| status_item(status, received)),
        );
    }
    items
}
