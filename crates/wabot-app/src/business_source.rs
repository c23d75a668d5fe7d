//! Orders and schedule from the business's own system: the [`BusinessSource`] port (the HTTP
//! adapter implements it), how a lookup can fail ([`LookupFailure`]), and the [`LookupObserver`]
//! told of every lookup (the metrics adapter implements it).
//!
//! The engine asks for a lookup as an effect ([`wabot_engine::Stepped::Needs`]); [`crate::Converse`]
//! fetches it through this port with no transaction open, then steps again with the
//! [`wabot_engine::Answer`]. A failure becomes [`wabot_engine::Unavailable`]: the customer reads the
//! menu's polite `lookup_unavailable` text and the conversation goes on.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wabot_engine::{Answer, Lookup, Records, Unavailable};

/// How a lookup ended, for metrics: `ok`, `timeout`, `error` or `malformed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LookupOutcome {
    /// The records came back.
    Ok,
    /// The source took longer than allowed.
    Timeout,
    /// The source could not be reached or answered with an error status.
    Error,
    /// The source answered something that is not the records asked for.
    Malformed,
}

impl LookupOutcome {
    /// Every outcome, for metrics that start at zero.
    pub const ALL: [LookupOutcome; 4] = [Self::Ok, Self::Timeout, Self::Error, Self::Malformed];

    /// The outcome's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Timeout => "timeout",
            Self::Error => "error",
            Self::Malformed => "malformed",
        }
    }
}

/// Why a lookup gave no records. `detail` is for the log: it names fields and statuses, never a
/// customer's data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{outcome:?}: {detail}", outcome = self.outcome.as_str())]
pub struct LookupFailure {
    /// Which kind of failure (never [`LookupOutcome::Ok`]).
    pub outcome: LookupOutcome,
    /// What went wrong.
    pub detail: String,
}

impl LookupFailure {
    /// A failure of kind `outcome`.
    pub fn new(outcome: LookupOutcome, detail: impl Into<String>) -> Self {
        Self {
            outcome,
            detail: detail.into(),
        }
    }
}

/// What [`BusinessSource::fetch`] returns: a boxed future, so the source can be chosen at start.
pub type LookupFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Records, LookupFailure>> + Send + 'a>>;

/// Where orders and schedule come from when they are not in our tables.
pub trait BusinessSource: Send + Sync {
    /// The records answering `lookup` for `customer` (the contact's WhatsApp id or user id).
    /// Must end within [`BusinessSource::patience`], failing with [`LookupOutcome::Timeout`].
    fn fetch<'a>(&'a self, customer: &'a str, lookup: &'a Lookup) -> LookupFuture<'a>;

    /// The longest a fetch may take (its timeout).
    fn patience(&self) -> Duration;
}

/// Told of every lookup (for metrics); must not block.
pub trait LookupObserver: Send + Sync {
    /// A lookup of `kind` ([`Lookup::kind`]) ended with `outcome` after `took`.
    fn looked_up(&self, kind: &'static str, outcome: LookupOutcome, took: Duration);
}

/// A source with its observer: what a conversation worker fetches through.
#[derive(Clone)]
pub struct Lookups {
    source: Arc<dyn BusinessSource>,
    observer: Arc<dyn LookupObserver>,
}

impl Lookups {
    /// Fetches from `source`, telling `observer` of each lookup.
    pub fn new(source: Arc<dyn BusinessSource>, observer: Arc<dyn LookupObserver>) -> Self {
        Self { source, observer }
    }

    /// The same source, telling `observer` instead.
    pub fn observed_by(&self, observer: Arc<dyn LookupObserver>) -> Self {
        Self {
            source: Arc::clone(&self.source),
            observer,
        }
    }

    /// How long a conversation waiting for a lookup is held back from other workers: the source's
    /// timeout and a margin. (Should this process stop mid-fetch, the messages wait that long.)
    pub fn hold(&self) -> Duration {
        self.source.patience() + Duration::from_secs(5)
    }

    /// Fetches `lookup` for `customer`: the records, or unavailable.
    pub async fn answer(&self, customer: &str, lookup: Lookup) -> Answer {
        let started = Instant::now();
        let fetched = self.source.fetch(customer, &lookup).await;
        let outcome = match &fetched {
            Ok(_) => LookupOutcome::Ok,
            Err(failure) => failure.outcome,
        };
        self.observer
            .looked_up(lookup.kind(), outcome, started.elapsed());
        Answer {
            lookup,
            records: fetched.map_err(|_| Unavailable),
        }
    }
}
