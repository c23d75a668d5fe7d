//! Group commit for ingest: concurrent ingests wait in a queue, and one task writes whatever has
//! gathered in a single transaction, so a burst of webhooks costs one durable commit instead of one
//! each. Each caller still gets its own answer, only after the commit that holds its event.

use tokio::sync::{mpsc, oneshot};
use wabot_app::{IngestReceipt, NewWebhookEvent, StoreError};

use crate::store::Pools;

/// The most events written in one transaction.
const MAX_BATCH: usize = 256;
/// How many ingests may wait before callers are slowed down.
const QUEUE: usize = 4096;

type Reply = oneshot::Sender<Result<IngestReceipt, StoreError>>;

/// The sending side, kept by every clone of the store.
#[derive(Clone, Debug)]
pub(crate) struct IngestQueue {
    sender: mpsc::Sender<(NewWebhookEvent, Reply)>,
}

impl IngestQueue {
    /// Starts the committer for `store` on the current tokio runtime.
    pub(crate) fn start(store: Pools) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(commit_loop(store, receiver));
        Self { sender }
    }

    /// Queues one event and waits for the commit that stores it.
    pub(crate) async fn ingest(&self, event: NewWebhookEvent) -> Result<IngestReceipt, StoreError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Unavailable("the ingest committer has stopped".into());
        self.sender
            .send((event, reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn commit_loop(store: Pools, mut receiver: mpsc::Receiver<(NewWebhookEvent, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (events, replies): (Vec<NewWebhookEvent>, Vec<Reply>) = batch.drain(..).unzip();
        let results = store
            .write(move |connection| Ok(crate::ingest::ingest_batch(connection, &events)))
            .await;
        match results {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            Err(error) => {
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Unavailable(error.to_string())));
                }
            }
        }
    }
}
