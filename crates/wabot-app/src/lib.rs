#![doc = include_str!("../README.md")]

mod analytics;
mod attachments;
mod business_records;
mod business_source;
mod campaign_audience;
mod campaign_launch;
mod campaigns;
mod clock;
mod contact_ref;
mod conversation_views;
mod converse;
mod current_menu;
mod deliver;
mod error;
#[cfg(feature = "test-util")]
mod fakes;
mod handoff_desk;
mod handoffs;
mod heartbeat;
mod marketing_words;
mod media_keeper;
mod message_states;
mod messenger;
mod model;
mod monitoring;
mod operators;
mod outreach;
mod pacing;
mod ports;
mod read_receipts;
mod record_check;
mod record_fields;
mod record_import;
mod sandbox;
mod send_pool;
mod shared_rate;
mod templates;
mod ticket_desk;
mod ticket_media;
mod ticket_updates;

pub use analytics::{DayTraffic, DeliveryCounts, FunnelNode, Overview, Period};
pub use attachments::{
    ATTACHMENT_TYPES, AttachmentKind, MAX_ATTACHMENT, MediaUploader, attachment_kind,
};
pub use business_records::{
    BusinessRecords, Customer, OrderRecord, ScheduleRecord, StoredOrder, StoredScheduleEntry,
    WriteCounts,
};
pub use business_source::{
    BusinessSource, LookupFailure, LookupFuture, LookupObserver, LookupOutcome, Lookups,
};
pub use campaign_audience::{AudienceProblem, AudienceRow, read_csv, recipients};
pub use campaign_launch::{Audience, CampaignPace, CampaignRequest, LaunchError, launch_campaign};
pub use campaigns::{
    AccountUpdate, AudienceFilter, CampaignAction, CampaignCounts, CampaignProgress, CampaignState,
    Campaigns, FeedRound, NewCampaign, NewRecipient, SkipReason, eta, failure_class,
};
pub use chrono::TimeDelta;
pub use clock::utc_now;
pub use contact_ref::{ContactRef, phone_number, phone_variants};
pub use conversation_views::{
    ActivityCursor, ContactChangeRecord, ConversationFilter, ConversationRow, ConversationsView,
    LastMessage,
};
pub use converse::{Converse, Round};
pub use current_menu::CurrentEngine;
pub use deliver::{Deliver, DeliveryRound, SEND_LEASE, pause_left};
pub use error::{Cause, StoreError};
#[cfg(feature = "test-util")]
pub use fakes::RecordingInbox;
pub use handoff_desk::HandoffDesk;
pub use handoffs::{Claim, Handoff, HandoffEvent, HandoffFigures, HandoffState, Handoffs};
pub use heartbeat::Heartbeat;
pub use marketing_words::{KEEP_ID, MarketingWords, OPT_IN_ID, OPT_OUT_ID, marketing_tap};
pub use media_keeper::{MEDIA_LEASE, MediaKeeper};
pub use message_states::OutboxPriority;
pub use messenger::{Accepted, ErrorClass, Messenger, ReplyRenderer, SendFailure};
pub use model::{
    BusinessEcho, ContactIds, ContactSummary, Count, CustomerMessage, DeliveryStatus, Direction,
    IdentityChange, InboundPayload, IngestReceipt, MessageRecord, MessageStatus, NewInboundItem,
    NewWebhookEvent, OutboundDraft, OutboundJob, OutboundKind, Page, ResponseTimes, SendOutcome,
    Stats, StatusApplied, StatusUpdate, StepRecord, Turn,
};
pub use monitoring::{Attempt, Backlog, DeliveryObserver, ReceiptOutcome, Unobserved};
pub use operators::{
    NewOperatorSession, Operator, OperatorChange, OperatorCredentials, OperatorSession, Operators,
    Role,
};
pub use outreach::{CUSTOMER_WINDOW, ManualMessage, Queued, window_closes_at, window_open};
pub use pacing::{MAX_ATTEMPTS, TokenBucket, retry_after};
pub use ports::{
    Contacts, Conversations, Health, Inbox, LeaseRequest, Outbox, Outreach, SenderWrite,
    Statistics, StepData, TurnStep,
};
pub use read_receipts::{MAX_WAITING_RECEIPTS, ReadReceipts};
pub use record_check::{
    FieldError, MAX_ITEMS, MAX_NOTE, MAX_REFERENCE, MAX_TRACKING_NOTE, MAX_TRACKING_URL,
    customer as record_customer,
};
pub use record_fields::{ORDER_FIELDS, OrderFields, SCHEDULE_FIELDS, ScheduleFields};
pub use record_import::{ImportPlan, ReadRow, Rejected, plan_orders, plan_schedule, write_batches};
pub use sandbox::SandboxMessenger;
pub use send_pool::{Cycle, SendPool, Wait};
pub use shared_rate::{
    LEASE_HORIZON, MAX_HOLD, SLOT_TOLERANCE, SendBudget, SharedRate, SlotLease, SlotRequest,
    lease_schedule,
};
pub use templates::{
    ParameterError, ParameterSlot, SyncedTemplate, TemplateChange, TemplateParameter,
    TemplateRecord, TemplateUpdate, check_parameters, parameters_of, template_body,
};
pub use ticket_desk::{TicketDesk, TicketDetail, TicketSummary, TicketUpdate};
pub use ticket_media::{
    ALLOWED_MEDIA, MEDIA_ATTEMPTS, MediaFailure, MediaJob, MediaJobs, MediaLocation, MediaOutcome,
    MediaReader, MediaSource, MediaState, MediaStore, TicketMedia, allowed, media_backoff,
    media_extension, media_reader,
};
pub use ticket_updates::{
    NotNotified, NoticeContext, Notification, Notified, StatusChanged, TemplateField, TicketMover,
    TicketUpdates, UpdateTemplate, template_text,
};
