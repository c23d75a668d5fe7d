//! The people who run the bot: operators with a role, and their signed-in sessions. Hashing a
//! password and setting cookies belong to the console adapter; this is what it stores and asks.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::StoreError;

/// What an operator may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything an agent may, and users, settings and campaigns.
    Admin,
    /// Conversations, contacts and tickets.
    Agent,
}

impl Role {
    /// The stored and typed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Agent => "agent",
        }
    }

    /// The role a stored or typed name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "admin" => Some(Self::Admin),
            "agent" => Some(Self::Agent),
            _ => None,
        }
    }
}

/// An operator as the console lists it (never with the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Operator {
    /// The row id.
    pub id: i64,
    /// The login name (unique).
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// A disabled operator cannot sign in and loses their sessions.
    pub disabled: bool,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// The last successful sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// An operator with the hash their password is checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorCredentials {
    /// Who.
    pub operator: Operator,
    /// The PHC string of the password hash (e.g. `$argon2id$…`).
    pub password_hash: String,
}

/// A signed-in session, found by the hash of its cookie (the cookie itself is never stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorSession {
    /// Who is signed in.
    pub operator: Operator,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    /// When the session was made.
    pub created_at: DateTime<Utc>,
    /// The last request seen (for the idle timeout).
    pub last_seen_at: DateTime<Utc>,
}

/// A session to store at sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOperatorSession {
    /// The SHA-256 of the cookie's value, hex.
    pub id_hash: String,
    /// Who signed in.
    pub operator_id: i64,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Now.
    pub at: DateTime<Utc>,
}

/// A change to an operator's account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperatorChange {
    /// A new password hash (their sessions end).
    Password(String),
    /// A new role.
    Role(Role),
    /// Disable (their sessions end) or enable.
    Disabled(bool),
}

/// Operators and their sessions. Sessions live in the database, so they survive a restart and
/// work across instances.
pub trait Operators: Send + Sync {
    /// Adds an operator; [`StoreError::Conflict`] when the name is taken.
    fn add_operator(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Operator, StoreError>> + Send;

    /// Every operator, by name.
    fn list_operators(&self) -> impl Future<Output = Result<Vec<Operator>, StoreError>> + Send;

    /// An operator and their password hash, by login name.
    fn credentials(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<OperatorCredentials>, StoreError>> + Send;

    /// Changes an operator's account; `false` when there is no such operator. A new password or
    /// disabling ends every session of theirs in the same transaction.
    fn change_operator(
        &self,
        name: &str,
        change: OperatorChange,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Removes an operator and their sessions; `false` when there is no such operator.
    fn remove_operator(&self, name: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores a new session and notes the sign-in on the operator.
    fn open_session(
        &self,
        session: NewOperatorSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The live session with this id hash, touched at `now`: `None` when there is none, when it
    /// was last seen before `idle_since` or made before `made_since` (it is deleted then), or when
    /// its operator is disabled.
    fn session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        idle_since: DateTime<Utc>,
        made_since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<OperatorSession>, StoreError>> + Send;

    /// Ends a session (logout); ending one that is gone is not an error.
    fn close_session(&self, id_hash: &str) -> impl Future<Output = Result<(), StoreError>> + Send;
}
