//! The application's ports on the Cloud API: [`CloudApiClient`] as the `Messenger`, and
//! [`CloudApiRenderer`] as the `ReplyRenderer`.

use wabot_app::{Accepted, Messenger, OutboundDraft, OutboundKind, ReplyRenderer, SendFailure};
use wabot_engine::Reply;

use crate::client::CloudApiClient;
use crate::error::ClientError;
use crate::outbound::{MarkRead, MessageBody, OutboundMessage, Template, TemplateComponent};
use crate::render::render;
use crate::template::param;

fn failure(error: &ClientError) -> SendFailure {
    let code = match error {
        ClientError::Graph(graph) => Some(graph.code),
        _ => None,
    };
    SendFailure {
        class: error.class(),
        code,
        title: error.to_string(),
    }
}

impl Messenger for CloudApiClient {
    async fn send(&self, body: &str) -> Result<Accepted, SendFailure> {
        self.send_raw(body)
            .await
            .map(|sent| Accepted {
                message_id: sent.id,
                wa_id: sent.wa_id,
            })
            .map_err(|error| failure(&error))
    }

    /// Without the typing indicator: a receipt goes at the lowest priority, usually after the
    /// answer, and "typing…" shown after the answer would linger for 25 s.
    async fn mark_read(&self, message_id: &str) -> Result<(), SendFailure> {
        let read = MarkRead::new(message_id).map_err(|error| SendFailure {
            class: wabot_app::ErrorClass::Permanent,
            code: None,
            title: error.to_string(),
        })?;
        CloudApiClient::mark_read(self, &read)
            .await
            .map_err(|error| failure(&error))
    }
}

/// Renders engine replies with [`render`] and serialises them as request bodies.
#[derive(Clone, Copy, Debug, Default)]
pub struct CloudApiRenderer;

impl ReplyRenderer for CloudApiRenderer {
    fn render(&self, reply: &Reply, to: &str) -> Vec<OutboundDraft> {
        render(reply, to)
            .into_iter()
            .filter_map(|message| {
                let kind = match &message.body {
                    MessageBody::Text { .. } => OutboundKind::Text,
                    MessageBody::Interactive { .. } => OutboundKind::Interactive,
                    MessageBody::Template { .. } => OutboundKind::Template,
                    _ => OutboundKind::Other,
                };
                // Serialising our own plain data types cannot fail; a failure would drop the message,
                // which the renderer's tests would show.
                serde_json::to_string(&message)
                    .ok()
                    .map(|body| OutboundDraft { kind, body })
            })
            .collect()
    }

    fn template(
        &self,
        to: &str,
        name: &str,
        language: &str,
        body: &[String],
    ) -> Result<OutboundDraft, String> {
        let parameters = body.iter().map(|value| param::text(value)).collect();
        let template = Template::new(name, language).with(TemplateComponent::body(parameters));
        let message = OutboundMessage::template(to, template).map_err(|error| error.to_string())?;
        let body = serde_json::to_string(&message).map_err(|error| error.to_string())?;
        Ok(OutboundDraft {
            kind: OutboundKind::Template,
            body,
        })
    }
}
