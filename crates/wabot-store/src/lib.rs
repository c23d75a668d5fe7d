#![doc = include_str!("../README.md")]

// The path of a message, in order: `ingest` stores it, `turn` steps its conversation, `outbox`
// queues and sends the replies, `status` tracks them. The rest are the tables those steps touch,
// the other ports, and the plumbing (`store`, `group_commit`, `connection`, `sql`).
mod ingest;
mod outbox;
mod outbox_claim;
mod outbox_outcomes;
mod pg_contacts;
mod pg_step_write;
mod pg_writes;
mod status;
mod turn;

mod backlog;
mod backup;
mod business;
mod cached;
mod campaign_feed;
mod campaign_progress;
mod campaigns;
mod checkpointer;
mod connection;
mod contact_adoption;
mod contact_lookup;
mod contacts;
mod conversation_list;
mod daily_figures;
mod demo;
mod echoes;
mod figures;
mod file_check;
mod group_commit;
mod handoff_desk;
mod handoffs;
mod histogram;
mod identity;
mod identity_notices;
mod items;
mod marketing;
mod media_files;
mod menu_events;
pub mod migrations;
mod operators;
mod outreach;
mod overview;
mod record_upsert;
mod records;
mod rollups;
pub mod schema;
mod send_pace;
mod sessions;
mod sql;
mod states;
mod statistics;
mod stats;
mod step_savepoints;
mod store;
mod templates;
mod ticket_desk;
mod ticket_media;
mod ticket_updates;

pub use backup::Backup;
pub use connection::{AnyConnection, DatabaseUrl, Manager};
pub use demo::Seeded;
pub use media_files::DiskMediaStore;
pub use store::DieselStore;
