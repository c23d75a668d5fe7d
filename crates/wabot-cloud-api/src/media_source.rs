//! [`CloudApiClient`] as the app's [`MediaSource`]: the media lookup (`GET /{media-id}`) and the
//! download with the token, their errors sorted into what the keeper does next — an expired
//! download URL (401, 403 or 404 on it) is looked up again, an error Meta will repeat is
//! permanent, anything else is retried later.

use wabot_app::{ErrorClass, MediaFailure, MediaLocation, MediaSource};

use crate::client::CloudApiClient;
use crate::error::ClientError;

/// The HTTP status of an error answer, if it was one.
fn status_of(error: &ClientError) -> Option<u16> {
    match error {
        ClientError::Graph(graph) => Some(graph.status),
        ClientError::UnexpectedResponse { status, .. } => Some(*status),
        _ => None,
    }
}

fn failure(error: &ClientError) -> MediaFailure {
    match error {
        ClientError::MediaTooLarge { max } => MediaFailure::TooLarge { max: *max },
        other if other.class() == ErrorClass::Permanent => {
            MediaFailure::Permanent(other.to_string())
        }
        other => MediaFailure::Transient(other.to_string()),
    }
}

impl MediaSource for CloudApiClient {
    async fn lookup(&self, media_id: &str) -> Result<MediaLocation, MediaFailure> {
        let info = self
            .media_info(media_id)
            .await
            .map_err(|error| failure(&error))?;
        Ok(MediaLocation {
            url: info.url,
            mime_type: info
                .mime_type
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
            size: info.file_size,
        })
    }

    async fn download(&self, url: &str, max_bytes: u64) -> Result<Vec<u8>, MediaFailure> {
        match self.download_media(url, max_bytes).await {
            Ok(bytes) => Ok(bytes.to_vec()),
            Err(error) if matches!(status_of(&error), Some(401 | 403 | 404)) => {
                Err(MediaFailure::Expired)
            }
            Err(error) => Err(failure(&error)),
        }
    }
}
