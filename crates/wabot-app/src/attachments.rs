//! Files sent by hand (an invoice PDF, a photo of the repaired part): which types go out as what,
//! Meta's size limit for each, and the port that uploads them (`POST /{phone-number-id}/media`)
//! before the message is sent by media id. Checked before the upload, so nothing oversized or of
//! a type WhatsApp would refuse leaves the server.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::messenger::SendFailure;

const MB: u64 = 1024 * 1024;

/// How WhatsApp shows a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentKind {
    /// A picture, shown inline (JPEG, PNG; 5 MB).
    Image,
    /// A file to open (PDF, Office, plain text; 100 MB).
    Document,
}

/// The types that go out, as what, and Meta's size limit for each.
pub const ATTACHMENT_TYPES: &[(&str, AttachmentKind, u64)] = &[
    ("image/jpeg", AttachmentKind::Image, 5 * MB),
    ("image/png", AttachmentKind::Image, 5 * MB),
    ("application/pdf", AttachmentKind::Document, 100 * MB),
    ("text/plain", AttachmentKind::Document, 100 * MB),
    ("application/msword", AttachmentKind::Document, 100 * MB),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        AttachmentKind::Document,
        100 * MB,
    ),
    (
        "application/vnd.ms-excel",
        AttachmentKind::Document,
        100 * MB,
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        AttachmentKind::Document,
        100 * MB,
    ),
    (
        "application/vnd.ms-powerpoint",
        AttachmentKind::Document,
        100 * MB,
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        AttachmentKind::Document,
        100 * MB,
    ),
];

/// The largest attachment of any type.
pub const MAX_ATTACHMENT: u64 = 100 * MB;

/// What a file of `mime_type` (parameters ignored) goes out as, and its limit; `None` when
/// WhatsApp takes no such file.
pub fn attachment_kind(mime_type: &str) -> Option<(AttachmentKind, u64)> {
    let base = mime_type.split(';').next().unwrap_or_default().trim();
    ATTACHMENT_TYPES
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(base))
        .map(|&(_, kind, limit)| (kind, limit))
}

/// Uploads a file (bytes, MIME type, file name) to WhatsApp; answers its media id.
pub type MediaUploader = Arc<
    dyn Fn(
            Vec<u8>,
            String,
            String,
        ) -> Pin<Box<dyn Future<Output = Result<String, SendFailure>> + Send>>
        + Send
        + Sync,
>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_documents_have_metas_limits() {
        assert_eq!(
            attachment_kind("image/png"),
            Some((AttachmentKind::Image, 5 * MB))
        );
        assert_eq!(
            attachment_kind("application/pdf; name=x"),
            Some((AttachmentKind::Document, MAX_ATTACHMENT))
        );
        assert_eq!(
            attachment_kind("image/webp"),
            None,
            "webp goes as a sticker"
        );
        assert_eq!(attachment_kind("application/zip"), None);
    }
}
