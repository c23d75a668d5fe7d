//! A defect ticket's photos, videos and documents: the ports and the rules. A file a customer
//! sends in the defect form is only a WhatsApp media id, whose download URL expires within
//! minutes; a job row ([`MediaJobs`]) created in the step's transaction is claimed by a worker
//! ([`crate::MediaKeeper`]) that looks the file up and downloads it ([`MediaSource`]), checks it
//! against [`allowed`], and keeps it content-addressed ([`MediaStore`]). A failed download is
//! retried with backoff, then marked failed with the reason; the ticket never depends on it.

use std::future::Future;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::error::StoreError;

/// The MIME types kept, with Meta's size limit for each (the Cloud API's media limits).
pub const ALLOWED_MEDIA: &[(&str, u64)] = &[
    ("image/jpeg", 5 * MB),
    ("image/png", 5 * MB),
    ("image/webp", 5 * MB),
    ("video/mp4", 16 * MB),
    ("video/3gpp", 16 * MB),
    ("application/pdf", 100 * MB),
];

const MB: u64 = 1024 * 1024;

/// How many times a download is tried before it is marked failed.
pub const MEDIA_ATTEMPTS: i32 = 5;

/// The size limit of `mime_type` (its parameters ignored), or `None` when it is not kept.
pub fn allowed(mime_type: &str) -> Option<u64> {
    let base = mime_type.split(';').next().unwrap_or_default().trim();
    ALLOWED_MEDIA
        .iter()
        .find(|(allowed, _)| allowed.eq_ignore_ascii_case(base))
        .map(|&(_, limit)| limit)
}

/// The file extension of a kept type (`bin` for any other).
pub fn media_extension(mime_type: &str) -> &'static str {
    match mime_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "video/mp4" => "mp4",
        "video/3gpp" => "3gp",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

/// The wait before attempt `attempts + 1`: 10 s, 40 s, 160 s, … capped at an hour.
pub fn media_backoff(attempts: i32) -> TimeDelta {
    let exponent = u32::try_from(attempts.clamp(0, 10)).unwrap_or(0);
    TimeDelta::seconds((10_i64 * 4_i64.pow(exponent)).min(3600))
}

/// Where a media file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaState {
    /// Not downloaded yet (or to be retried).
    Pending,
    /// Kept on disk.
    Stored,
    /// Given up: the reason says why.
    Failed,
}

impl MediaState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Stored => "stored",
            Self::Failed => "failed",
        }
    }

    /// The state a stored name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "pending" => Some(Self::Pending),
            "stored" => Some(Self::Stored),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One file of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketMedia {
    /// Its number on the ticket, from 1.
    pub n: i32,
    /// Where it is.
    pub state: MediaState,
    /// Its content's SHA-256 (hex), once stored.
    pub sha256: Option<String>,
    /// Its MIME type, once known.
    pub mime_type: Option<String>,
    /// Its size in bytes, once stored.
    pub size: Option<i64>,
    /// Why it failed (or why the last attempt did).
    pub reason: Option<String>,
}

/// A download to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaJob {
    /// The row id.
    pub id: i64,
    /// WhatsApp's media id.
    pub media_id: String,
    /// Attempts before this one.
    pub attempts: i32,
}

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaOutcome {
    /// Kept.
    Stored {
        /// The content's SHA-256 (hex).
        sha256: String,
        /// Its MIME type.
        mime_type: String,
        /// Its size in bytes.
        size: i64,
    },
    /// Try again at `at`.
    Retry {
        /// Why this attempt failed.
        reason: String,
        /// When to try again.
        at: DateTime<Utc>,
    },
    /// Given up.
    Failed {
        /// Why.
        reason: String,
    },
}

/// The download jobs and the files they keep.
pub trait MediaJobs: Send + Sync {
    /// Leases up to `limit` due jobs to `owner` until `now + lease`.
    fn claim_media(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<MediaJob>, StoreError>> + Send;

    /// Records what an attempt at job `id` came to (and ends the lease).
    fn media_done(
        &self,
        id: i64,
        outcome: MediaOutcome,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A ticket's files, by number.
    fn ticket_media(
        &self,
        ticket_id: i64,
    ) -> impl Future<Output = Result<Vec<TicketMedia>, StoreError>> + Send;
}

/// Why a lookup or download did not give the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaFailure {
    /// The download URL expired (401/403/404 on it): look the media up again.
    Expired,
    /// Larger than the limit.
    TooLarge {
        /// The limit in bytes.
        max: u64,
    },
    /// Will not work however often it is tried (the media id is unknown, say).
    Permanent(String),
    /// May work later (a timeout, a 5xx).
    Transient(String),
}

/// Where a media file can be downloaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaLocation {
    /// The download URL (short-lived, needs the access token).
    pub url: String,
    /// The MIME type Meta announces.
    pub mime_type: String,
    /// The size Meta announces.
    pub size: Option<u64>,
}

/// WhatsApp's media: a lookup by id, and the download.
pub trait MediaSource: Send + Sync {
    /// Where media `media_id` is and what it is.
    fn lookup(
        &self,
        media_id: &str,
    ) -> impl Future<Output = Result<MediaLocation, MediaFailure>> + Send;

    /// Its bytes, refused beyond `max_bytes`.
    fn download(
        &self,
        url: &str,
        max_bytes: u64,
    ) -> impl Future<Output = Result<Vec<u8>, MediaFailure>> + Send;
}

/// Where kept files live, by content: the same bytes are kept once.
pub trait MediaStore: Send + Sync {
    /// Keeps `bytes`; returns their SHA-256 (hex), the key to read them back.
    fn put(&self, bytes: Vec<u8>) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// The bytes kept under `sha256`, if any.
    fn get(&self, sha256: &str)
    -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;
}

/// Reads kept files by hash, for the adapters that serve them (a closure, so the HTTP adapters
/// need not name the store's type).
pub type MediaReader = std::sync::Arc<
    dyn Fn(
            String,
        )
            -> std::pin::Pin<Box<dyn Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send>>
        + Send
        + Sync,
>;

/// The [`MediaReader`] of a file store.
pub fn media_reader<F: MediaStore + 'static>(files: std::sync::Arc<F>) -> MediaReader {
    std::sync::Arc::new(move |sha256: String| {
        let files = std::sync::Arc::clone(&files);
        Box::pin(async move { files.get(&sha256).await })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allow_list_knows_each_kind_and_its_limit() {
        assert_eq!(allowed("image/jpeg"), Some(5 * MB));
        assert_eq!(allowed("IMAGE/PNG"), Some(5 * MB));
        assert_eq!(allowed("video/mp4; codecs=avc1"), Some(16 * MB));
        assert_eq!(allowed("application/pdf"), Some(100 * MB));
        assert_eq!(allowed("text/html"), None);
        assert_eq!(allowed("application/x-msdownload"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(media_backoff(0), TimeDelta::seconds(10));
        assert_eq!(media_backoff(1), TimeDelta::seconds(40));
        assert_eq!(media_backoff(9), TimeDelta::hours(1));
        assert!(MediaState::parse("stored") == Some(MediaState::Stored));
        assert_eq!(MediaState::Failed.as_str(), "failed");
    }
}
