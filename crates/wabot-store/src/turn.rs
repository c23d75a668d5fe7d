//! `Conversations::step_next` for [`DieselStore`]: a conversation's turn — pick the conversation
//! that has waited longest and step its pending messages in order — in one transaction, so no lease
//! is taken or given back and a crash leaves the whole turn pending.

use chrono::{DateTime, Utc};
use diesel::Connection;
use wabot_app::{InboundPayload, StoreError, Turn, TurnStep};

use crate::connection::AnyConnection;
use crate::conversations::{finish, step_item};
use crate::inbox::{contact_key, next_candidate, pending_items};
use crate::store::DieselStore;
use crate::tx::{TxError, transaction};

/// One turn inside the caller's transaction; each message in a savepoint of its own.
fn take_turn<F: TurnStep>(
    connection: &mut AnyConnection,
    now: DateTime<Utc>,
    max_items: usize,
    step: &F,
) -> Result<Option<Turn>, TxError> {
    let Some(contact_id) = next_candidate(connection, now)? else {
        return Ok(None);
    };
    let customer = contact_key(connection, contact_id)?;
    let mut turn = Turn {
        contact_id,
        steps: 0,
        failed: None,
    };
    // The items were read as pending in this transaction, so `step_item` needs no second look.
    for item in pending_items(connection, contact_id, max_items)? {
        let handled = connection.transaction(|connection| match &item.payload {
            InboundPayload::Message(message) => {
                step_item(connection, contact_id, item.id, now, |state, data| {
                    step(&customer, message, state, data)
                })
                .map(drop)
            }
            // Only messages are claimed; anything else is done without a step.
            InboundPayload::Status(_) => finish(connection, item.id, now),
        });
        match handled {
            Ok(()) => turn.steps += 1,
            Err(TxError(error)) => {
                turn.failed = Some(error);
                break;
            }
        }
    }
    Ok(Some(turn))
}

impl DieselStore {
    /// Takes one turn in one write (see `Conversations::step_next`).
    pub(crate) async fn take_turn<F: TurnStep>(
        &self,
        now: DateTime<Utc>,
        max_items: usize,
        step: F,
    ) -> Result<Option<Turn>, StoreError> {
        self.write(move |connection| {
            transaction(connection, |connection| {
                take_turn(connection, now, max_items, &step)
            })
        })
        .await
    }
}
