//! `operators` and `operator_sessions`: [`Operators`] for [`DieselStore`] — the console's accounts
//! and the sessions signed in with them.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use wabot_app::{
    NewOperatorSession, Operator, OperatorChange, OperatorCredentials, OperatorSession, Operators,
    Role, StoreError,
};

use crate::connection::AnyConnection;
use crate::schema::{operator_sessions, operators};
use crate::sql::{TxError, naive, utc};
use crate::store::DieselStore;

/// A session seen less than this long ago is not touched again (one write a minute per operator
/// at most, instead of one per request).
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// An operator as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = operators)]
struct OperatorRow {
    id: i64,
    name: String,
    role: String,
    password_hash: String,
    disabled: bool,
    created_at: NaiveDateTime,
    last_login_at: Option<NaiveDateTime>,
}

impl OperatorRow {
    fn into_credentials(self) -> Result<OperatorCredentials, TxError> {
        let role = Role::parse(&self.role).ok_or_else(|| {
            StoreError::invalid(format!(
                "operator {}: unknown role `{}`",
                self.id, self.role
            ))
        })?;
        Ok(OperatorCredentials {
            operator: Operator {
                id: self.id,
                name: self.name,
                role,
                disabled: self.disabled,
                created_at: utc(self.created_at),
                last_login_at: self.last_login_at.map(utc),
            },
            password_hash: self.password_hash,
        })
    }
}

fn operator_named(
    connection: &mut AnyConnection,
    name: &str,
) -> Result<Option<OperatorCredentials>, TxError> {
    operators::table
        .filter(operators::name.eq(name))
        .select(OperatorRow::as_select())
        .first(connection)
        .optional()?
        .map(OperatorRow::into_credentials)
        .transpose()
}

fn end_sessions(connection: &mut AnyConnection, operator_id: i64) -> Result<(), TxError> {
    diesel::delete(operator_sessions::table.filter(operator_sessions::operator_id.eq(operator_id)))
        .execute(connection)?;
    Ok(())
}

impl Operators for DieselStore {
    async fn add_operator(
        &self,
        name: &str,
        role: Role,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Operator, StoreError> {
        let (name, hash) = (name.to_owned(), password_hash.to_owned());
        self.write(move |connection| {
            let inserted = diesel::insert_into(operators::table)
                .values((
                    operators::name.eq(&name),
                    operators::role.eq(role.as_str()),
                    operators::password_hash.eq(&hash),
                    operators::disabled.eq(false),
                    operators::created_at.eq(naive(at)),
                ))
                .execute(connection);
            match inserted {
                Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                    return Err(StoreError::Conflict(format!("an operator named `{name}`")).into());
                }
                other => other?,
            };
            let stored = operator_named(connection, &name)?
                .ok_or_else(|| StoreError::NotFound(format!("operator `{name}` just added")))?;
            Ok(stored.operator)
        })
        .await
    }

    async fn list_operators(&self) -> Result<Vec<Operator>, StoreError> {
        self.read(|connection| {
            operators::table
                .order(operators::name)
                .select(OperatorRow::as_select())
                .load(connection)?
                .into_iter()
                .map(|row| row.into_credentials().map(|c| c.operator))
                .collect()
        })
        .await
    }

    async fn credentials(&self, name: &str) -> Result<Option<OperatorCredentials>, StoreError> {
        let name = name.to_owned();
        self.read(move |connection| operator_named(connection, &name))
            .await
    }

    async fn change_operator(
        &self,
        name: &str,
        change: OperatorChange,
    ) -> Result<bool, StoreError> {
        let name = name.to_owned();
        self.write(move |connection| {
            let Some(found) = operator_named(connection, &name)? else {
                return Ok(false);
            };
            let id = found.operator.id;
            let row = operators::table.find(id);
            match change {
                OperatorChange::Password(hash) => {
                    diesel::update(row)
                        .set(operators::password_hash.eq(hash))
                        .execute(connection)?;
                    end_sessions(connection, id)?;
                }
                OperatorChange::Role(role) => {
                    diesel::update(row)
                        .set(operators::role.eq(role.as_str()))
                        .execute(connection)?;
                }
                OperatorChange::Disabled(disabled) => {
                    diesel::update(row)
                        .set(operators::disabled.eq(disabled))
                        .execute(connection)?;
                    if disabled {
                        end_sessions(connection, id)?;
                    }
                }
            }
            Ok(true)
        })
        .await
    }

    async fn remove_operator(&self, name: &str) -> Result<bool, StoreError> {
        let name = name.to_owned();
        self.write(move |connection| {
            let Some(found) = operator_named(connection, &name)? else {
                return Ok(false);
            };
            end_sessions(connection, found.operator.id)?;
            diesel::delete(operators::table.find(found.operator.id)).execute(connection)?;
            Ok(true)
        })
        .await
    }

    async fn open_session(&self, session: NewOperatorSession) -> Result<(), StoreError> {
        self.write(move |connection| {
            let at = naive(session.at);
            diesel::insert_into(operator_sessions::table)
                .values((
                    operator_sessions::id_hash.eq(&session.id_hash),
                    operator_sessions::operator_id.eq(session.operator_id),
                    operator_sessions::csrf_token.eq(&session.csrf_token),
                    operator_sessions::created_at.eq(at),
                    operator_sessions::last_seen_at.eq(at),
                ))
                .execute(connection)?;
            diesel::update(operators::table.find(session.operator_id))
                .set(operators::last_login_at.eq(at))
                .execute(connection)?;
            Ok(())
        })
        .await
    }

    async fn session(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        idle_since: DateTime<Utc>,
        made_since: DateTime<Utc>,
    ) -> Result<Option<OperatorSession>, StoreError> {
        let hash = id_hash.to_owned();
        let found = {
            let hash = hash.clone();
            self.read(move |connection| {
                operator_sessions::table
                    .inner_join(operators::table)
                    .filter(operator_sessions::id_hash.eq(&hash))
                    .select((
                        OperatorRow::as_select(),
                        operator_sessions::csrf_token,
                        operator_sessions::created_at,
                        operator_sessions::last_seen_at,
                    ))
                    .first::<(OperatorRow, String, NaiveDateTime, NaiveDateTime)>(connection)
                    .optional()?
                    .map(|(row, csrf, created, seen)| {
                        row.into_credentials()
                            .map(|c| (c.operator, csrf, created, seen))
                    })
                    .transpose()
            })
            .await?
        };
        let Some((operator, csrf_token, created_at, last_seen_at)) = found else {
            return Ok(None);
        };
        let (created_at, last_seen_at) = (utc(created_at), utc(last_seen_at));
        if operator.disabled || last_seen_at < idle_since || created_at < made_since {
            self.close_session(&hash).await?;
            return Ok(None);
        }
        if now - last_seen_at >= TOUCH_EVERY {
            self.write(move |connection| {
                diesel::update(operator_sessions::table.find(&hash))
                    .set(operator_sessions::last_seen_at.eq(naive(now)))
                    .execute(connection)?;
                Ok(())
            })
            .await?;
        }
        Ok(Some(OperatorSession {
            operator,
            csrf_token,
            created_at,
            last_seen_at: now.max(last_seen_at),
        }))
    }

    async fn close_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let hash = id_hash.to_owned();
        self.write(move |connection| {
            diesel::delete(operator_sessions::table.find(&hash)).execute(connection)?;
            Ok(())
        })
        .await
    }
}
