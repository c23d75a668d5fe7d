#![doc = include_str!("../README.md")]

mod error;
mod model;
mod ports;

pub use error::StoreError;
pub use model::{
    ClaimedConversation, ContactIds, ContactSummary, Count, DeliveryStatus, InboundMessage,
    InboundPayload, IngestReceipt, MessageRecord, NewInboundItem, NewWebhookEvent, OutboundDraft,
    OutboundJob, Page, PendingItem, ResponseTimes, SendOutcome, Stats, StatusApplied, StatusUpdate,
    StepRecord,
};
pub use ports::{Contacts, Conversations, Inbox, Outbox, Statistics, StepData};
