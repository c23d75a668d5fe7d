//! [`MediaKeeper`]: the worker's use case that keeps tickets' media. One round claims due jobs and,
//! for each: looks the media id up (URL, MIME type, size), refuses a type outside the allow-list or
//! a size over its limit, downloads it with the token (an expired URL is looked up again, once),
//! checks the bytes against the limit again, keeps them content-addressed and records the outcome.
//! A transient failure is retried with backoff; after [`MEDIA_ATTEMPTS`] it is marked failed.

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::StoreError;
use crate::ticket_media::{
    MEDIA_ATTEMPTS, MediaFailure, MediaJob, MediaJobs, MediaOutcome, MediaSource, MediaStore,
    allowed, media_backoff,
};

/// Jobs claimed per round: one, so a job never waits under its lease behind another's download
/// (the worker starts the next round at once when this one did something).
const BATCH: i64 = 1;

/// How long a claimed job is leased: a crashed worker's jobs come back after it. It outlasts the
/// four Graph calls one attempt may make (lookup, download, lookup again, download again) at the
/// longest `media.download_timeout_seconds` the settings allow (180 s).
pub const MEDIA_LEASE: TimeDelta = TimeDelta::minutes(15);

/// Keeps the media of tickets.
pub struct MediaKeeper<J, M, F> {
    jobs: J,
    source: M,
    files: F,
    owner: String,
}

/// What went wrong with one attempt, before it is turned into an outcome.
enum Attempt {
    Refused(String),
    Failed(MediaFailure),
}

impl<J: MediaJobs, M: MediaSource, F: MediaStore> MediaKeeper<J, M, F> {
    /// A keeper over the jobs, WhatsApp's media and the file store; `owner` names its leases.
    pub fn new(jobs: J, source: M, files: F, owner: impl Into<String>) -> Self {
        Self {
            jobs,
            source,
            files,
            owner: owner.into(),
        }
    }

    /// One round: the due jobs, each to its outcome (returned for the caller to log, by job id).
    pub async fn round(&self, now: DateTime<Utc>) -> Result<Vec<(i64, MediaOutcome)>, StoreError> {
        let jobs = self
            .jobs
            .claim_media(&self.owner, now, MEDIA_LEASE, BATCH)
            .await?;
        let mut done = Vec::with_capacity(jobs.len());
        for job in &jobs {
            let outcome = self.attempt(job, now).await;
            self.jobs.media_done(job.id, outcome.clone(), now).await?;
            done.push((job.id, outcome));
        }
        Ok(done)
    }

    async fn attempt(&self, job: &MediaJob, now: DateTime<Utc>) -> MediaOutcome {
        let attempt = match self.fetch(&job.media_id).await {
            Ok((mime_type, bytes)) => {
                let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                match self.files.put(bytes).await {
                    Ok(sha256) => {
                        return MediaOutcome::Stored {
                            sha256,
                            mime_type,
                            size,
                        };
                    }
                    Err(error) => {
                        Attempt::Failed(MediaFailure::Transient(format!("keeping it: {error}")))
                    }
                }
            }
            Err(attempt) => attempt,
        };
        match attempt {
            Attempt::Refused(reason) | Attempt::Failed(MediaFailure::Permanent(reason)) => {
                MediaOutcome::Failed { reason }
            }
            Attempt::Failed(MediaFailure::TooLarge { max }) => MediaOutcome::Failed {
                reason: format!("larger than the {max}-byte limit"),
            },
            Attempt::Failed(failure) => {
                let reason = match failure {
                    MediaFailure::Transient(reason) => reason,
                    _ => "the download URL expired again".to_owned(),
                };
                if job.attempts + 1 >= MEDIA_ATTEMPTS {
                    MediaOutcome::Failed {
                        reason: format!("{reason} (after {MEDIA_ATTEMPTS} attempts)"),
                    }
                } else {
                    MediaOutcome::Retry {
                        reason,
                        at: now + media_backoff(job.attempts),
                    }
                }
            }
        }
    }

    /// The file's type and bytes: looked up, checked, downloaded (looked up again if the URL
    /// expired meanwhile).
    async fn fetch(&self, media_id: &str) -> Result<(String, Vec<u8>), Attempt> {
        let mut looked_up_again = false;
        loop {
            let location = self
                .source
                .lookup(media_id)
                .await
                .map_err(Attempt::Failed)?;
            let Some(limit) = allowed(&location.mime_type) else {
                return Err(Attempt::Refused(format!(
                    "the type `{}` is not kept (allowed: JPEG, PNG, WebP, MP4, 3GPP, PDF)",
                    location.mime_type
                )));
            };
            if let Some(size) = location.size.filter(|&size| size > limit) {
                return Err(Attempt::Refused(format!(
                    "{size} bytes is over the {limit}-byte limit for {}",
                    location.mime_type
                )));
            }
            match self.source.download(&location.url, limit).await {
                Ok(bytes) => return Ok((location.mime_type, bytes)),
                Err(MediaFailure::Expired) if !looked_up_again => looked_up_again = true,
                Err(failure) => return Err(Attempt::Failed(failure)),
            }
        }
    }
}
