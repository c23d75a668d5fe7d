//! The names the store writes into its state and kind columns, one enum per column, so no query
//! spells a state as a bare string. The app's own enums ([`wabot_app::Direction`],
//! [`wabot_app::MessageStatus`], [`wabot_app::DeliveryStatus`], [`wabot_app::OutboundKind`]) name
//! the `messages` columns the same way; every name is the one the migrations' rows already hold.

/// Declares a column's enum with its stored names, `as_str` and `parse`.
macro_rules! stored_names {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub(crate) enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// The name stored in the column.
            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// Reads a stored name.
            #[allow(dead_code, reason = "not every column is read back")]
            pub(crate) fn parse(name: &str) -> Option<Self> {
                match name {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

stored_names! {
    /// `inbound_items.state`.
    ItemState {
        /// Waiting for a conversation step (a message) or for its message to be known (a status).
        Pending = "pending",
        /// Handled.
        Done = "done",
    }
}

stored_names! {
    /// `inbound_items.kind`.
    ItemKind {
        /// A customer's message.
        Message = "message",
        /// A status of one of our messages.
        Status = "status",
        /// A customer moved to new ids (applied at ingest).
        Identity = "identity",
        /// A message the business sent from the WhatsApp Business app (applied at ingest).
        Echo = "echo",
    }
}

stored_names! {
    /// `contact_changes.change`: how a contact's identity changed.
    ContactChange {
        /// It wrote from (or WhatsApp moved it to) another phone number.
        NumberChanged = "number_changed",
        /// It gained or changed its business-scoped user id.
        UserIdChanged = "user_id_changed",
        /// It gave up its number: another person (another user id) writes from it now.
        NumberReleased = "number_released",
    }
}

stored_names! {
    /// `outbox.state`.
    OutboxState {
        /// Waiting to be sent (or to be tried again).
        Pending = "pending",
        /// Accepted by Meta.
        Sent = "sent",
        /// Given up.
        Failed = "failed",
    }
}

stored_names! {
    /// `menu_events.event`: the engine's analytics events.
    MenuEventName {
        /// A conversation began.
        SessionStarted = "session_started",
        /// A conversation timed out and began again.
        SessionExpired = "session_expired",
        /// The customer reached a node (the funnel counts these).
        NodeEntered = "node_entered",
        /// The customer chose an option of a node.
        OptionChosen = "option_chosen",
        /// A form was filled in.
        FormCompleted = "form_completed",
        /// A form was left unfinished.
        FormAbandoned = "form_abandoned",
        /// An answer the node did not understand.
        NotUnderstood = "not_understood",
    }
}

stored_names! {
    /// `webhook_events.outcome`: what an event brought at ingest.
    EventOutcome {
        /// At least one item not seen before.
        NewItems = "new_items",
        /// Only items already stored (a re-delivery).
        Duplicate = "duplicate",
        /// No item we act on.
        NoItems = "no_items",
    }
}

stored_names! {
    /// `campaign_recipients.state`.
    RecipientState {
        /// Not fed to the outbox yet.
        Pending = "pending",
        /// Fed: its message is in the outbox (its delivery status is the message's).
        Queued = "queued",
        /// Gets nothing (`skip_reason` says why).
        Skipped = "skipped",
        /// Gets nothing: its campaign was cancelled before it was fed.
        Cancelled = "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_itself() {
        for state in [ItemState::Pending, ItemState::Done] {
            assert_eq!(ItemState::parse(state.as_str()), Some(state));
        }
        for kind in [ItemKind::Message, ItemKind::Status, ItemKind::Identity] {
            assert_eq!(ItemKind::parse(kind.as_str()), Some(kind));
        }
        for state in [OutboxState::Pending, OutboxState::Sent, OutboxState::Failed] {
            assert_eq!(OutboxState::parse(state.as_str()), Some(state));
        }
        for outcome in [
            EventOutcome::NewItems,
            EventOutcome::Duplicate,
            EventOutcome::NoItems,
        ] {
            assert_eq!(EventOutcome::parse(outcome.as_str()), Some(outcome));
        }
        for change in [
            ContactChange::NumberChanged,
            ContactChange::UserIdChanged,
            ContactChange::NumberReleased,
        ] {
            assert_eq!(ContactChange::parse(change.as_str()), Some(change));
        }
        for name in [
            MenuEventName::SessionStarted,
            MenuEventName::SessionExpired,
            MenuEventName::NodeEntered,
            MenuEventName::OptionChosen,
            MenuEventName::FormCompleted,
            MenuEventName::FormAbandoned,
            MenuEventName::NotUnderstood,
        ] {
            assert_eq!(MenuEventName::parse(name.as_str()), Some(name));
        }
        assert_eq!(ItemState::parse("leased"), None);
    }
}

stored_names! {
    /// `handoff_events.event`: what happened to a handoff.
    HandoffEventName {
        /// The customer asked for a person.
        Opened = "opened",
        /// An agent took it.
        Claimed = "claimed",
        /// An agent answered the customer.
        Replied = "replied",
        /// An agent wrote a note the customer never sees.
        Noted = "noted",
        /// It went to another agent.
        Transferred = "transferred",
        /// Nobody claimed it in time; the customer was told.
        Unanswered = "unanswered",
        /// The customer left a message for a call back.
        MessageLeft = "message_left",
        /// Claimed but idle too long: back in the queue.
        Requeued = "requeued",
        /// Over: the bot has the conversation again.
        Closed = "closed",
    }
}
