//! Feeding campaigns into the outbox. Each round, for each running campaign that is due, moves
//! as many recipients as its pace allows since the last round into the outbox, with the campaign
//! priority, keeping at most `window` of its messages waiting there (so a reply queued later is
//! claimed first and the campaign never fills the pipe). Each recipient is marked `queued` with its
//! message id in the same transaction as its outbox row: a crash leaves it either unfed or fed,
//! never both, and it is never fed twice. A recipient opted out of marketing since the campaign
//! was created is skipped here. A campaign whose messages were throttled (130429 and the other
//! throughput codes) goes at half its pace for ten minutes.
//!
//! Also: withdrawing a paused, stopped or cancelled campaign's messages no sender has ever claimed, and
//! counting sends taken over from a dead sender (the claim calls [`taken_over`]).

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use wabot_app::{
    CampaignState, ContactIds, FeedRound, OutboundDraft, OutboundKind, OutboxPriority, SkipReason,
};

use crate::connection::AnyConnection;
use crate::schema::{campaign_recipients, campaigns, contacts, messages, outbox};
use crate::sql::{TxError, naive, utc};
use crate::states::{OutboxState, RecipientState};

/// How long a throttled campaign goes at half its pace.
const SLOWED_FOR: TimeDelta = TimeDelta::minutes(10);
/// The most a campaign may catch up in one round after a pause in feeding (one second's worth).
const MAX_CATCH_UP: TimeDelta = TimeDelta::seconds(1);
/// The most recipients of one campaign fed in one round: a round is one write, and on SQLite the
/// one writer must never be held long (replies wait behind it; and a statement's cost inside a
/// large savepoint grows with the pages it has changed).
const MAX_BATCH: usize = 250;

/// One feeding round over every running campaign that is due.
pub(crate) fn feed(
    connection: &mut AnyConnection,
    now: DateTime<Utc>,
    window: usize,
) -> Result<FeedRound, TxError> {
    let due = campaigns::table
        .filter(campaigns::state.eq(CampaignState::Running.as_str()))
        .filter(campaigns::starts_at.le(naive(now)))
        .order(campaigns::id)
        .select((
            campaigns::id,
            campaigns::template_id,
            campaigns::messages_per_second,
            campaigns::slowed_until,
            campaigns::paced_at,
        ));
    // On PostgreSQL each instance runs a feeder: a campaign's row is locked for the round, so two
    // feeders never feed one campaign at once, and a pause or cancel (which locks it too) waits
    // for the round or is waited for. SQLite's one writer serializes them already.
    let due: Vec<(i64, i64, f64, Option<NaiveDateTime>, NaiveDateTime)> = match connection {
        AnyConnection::Pg(c) => due.for_update().skip_locked().load(c)?,
        AnyConnection::Sqlite(c) => due.load(c)?,
    };
    let mut round = FeedRound::default();
    for (id, template_id, rate, slowed_until, paced_at) in due {
        let template = crate::templates::load(connection, template_id)?;
        if !template.approved() {
            // A sync or webhook stops it; this is for a template changed by other means.
            diesel::update(campaigns::table.find(id))
                .set((
                    campaigns::state.eq(CampaignState::Stopped.as_str()),
                    campaigns::stop_reason.eq(format!(
                        "template {} ({}) is {}",
                        template.name, template.language, template.status
                    )),
                ))
                .execute(connection)?;
            withdraw(connection, id)?;
            round.stopped += 1;
            continue;
        }
        let slowed_until = slowed(connection, id, now)?.or(slowed_until.map(utc));
        let slow = slowed_until.is_some_and(|until| until > now);
        let rate = if slow { rate / 2.0 } else { rate };
        let paced_at = utc(paced_at).max(now - MAX_CATCH_UP);
        let elapsed = (now - paced_at).num_microseconds().unwrap_or(0).max(0);
        // Whole messages the pace allows (rates are small, counts far below 2^52).
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let credit = (elapsed as f64 / 1e6 * rate).floor() as usize;
        let waiting = waiting_in_outbox(connection, id)?;
        // At least a second's worth of the pace may wait (a few rounds of the feeder).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let window = window.max(rate.ceil() as usize);
        let wanted = credit.min(window.saturating_sub(waiting)).min(MAX_BATCH);
        let fed = feed_one(
            connection,
            id,
            template.marketing(),
            wanted,
            now,
            &mut round,
        )?;
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
        let used = TimeDelta::microseconds((fed as f64 / rate * 1e6) as i64);
        let paced_at = if fed < wanted { now } else { paced_at + used };
        diesel::update(campaigns::table.find(id))
            .set((
                campaigns::paced_at.eq(naive(paced_at)),
                campaigns::slowed_until.eq(slowed_until.map(naive)),
            ))
            .execute(connection)?;
        if !any_unfed(connection, id)? {
            diesel::update(campaigns::table.find(id))
                .set((
                    campaigns::state.eq(CampaignState::Completed.as_str()),
                    campaigns::finished_at.eq(naive(now)),
                ))
                .execute(connection)?;
            round.completed += 1;
        }
    }
    Ok(round)
}

/// Feeds up to `wanted` recipients of one campaign; returns how many it took (fed or skipped).
fn feed_one(
    connection: &mut AnyConnection,
    campaign_id: i64,
    marketing: bool,
    wanted: usize,
    now: DateTime<Utc>,
    round: &mut FeedRound,
) -> Result<usize, TxError> {
    if wanted == 0 {
        return Ok(0);
    }
    let next: Vec<(i64, String, String)> = campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .filter(campaign_recipients::state.eq(RecipientState::Pending.as_str()))
        .order(campaign_recipients::id)
        .limit(i64::try_from(wanted).unwrap_or(i64::MAX))
        .select((
            campaign_recipients::id,
            campaign_recipients::wa_id,
            campaign_recipients::body,
        ))
        .load(connection)?;
    let at = naive(now);
    for (recipient_id, wa_id, body) in &next {
        let ids = ContactIds {
            wa_id: Some(wa_id.clone()),
            user_id: None,
        };
        let contact_id = crate::identity::resolve_contact(connection, &ids, None, now, false)?;
        let row = campaign_recipients::table.find(recipient_id);
        let opted_out = contacts::table
            .find(contact_id)
            .select(contacts::marketing_opt_out_at)
            .first::<Option<NaiveDateTime>>(connection)?
            .is_some();
        if marketing && opted_out {
            diesel::update(row)
                .set((
                    campaign_recipients::state.eq(RecipientState::Skipped.as_str()),
                    campaign_recipients::skip_reason.eq(SkipReason::OptedOut.as_str()),
                    campaign_recipients::contact_id.eq(contact_id),
                ))
                .execute(connection)?;
            round.skipped += 1;
            continue;
        }
        let draft = OutboundDraft {
            kind: OutboundKind::Template,
            body: body.clone(),
        };
        let message_id = crate::outbox::queue_with_priority(
            connection,
            contact_id,
            &draft,
            at,
            None,
            OutboxPriority::Campaign,
        )?;
        let marked = diesel::update(
            row.filter(campaign_recipients::state.eq(RecipientState::Pending.as_str())),
        )
        .set((
            campaign_recipients::state.eq(RecipientState::Queued.as_str()),
            campaign_recipients::contact_id.eq(contact_id),
            campaign_recipients::message_id.eq(message_id),
            campaign_recipients::fed_at.eq(at),
        ))
        .execute(connection)?;
        if marked != 1 {
            // Changed since it was read (the campaign's lock should make this impossible): the
            // round is rolled back, outbox row included, rather than feed a recipient twice.
            return Err(TxError(wabot_app::StoreError::Conflict(format!(
                "campaign {campaign_id}: a recipient changed while it was fed"
            ))));
        }
        round.fed += 1;
    }
    Ok(next.len())
}

/// The campaign's messages still waiting in the outbox (claimed or not).
fn waiting_in_outbox(connection: &mut AnyConnection, campaign_id: i64) -> Result<usize, TxError> {
    let waiting = campaign_recipients::table
        .inner_join(
            outbox::table.on(outbox::message_id
                .nullable()
                .eq(campaign_recipients::message_id)),
        )
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .filter(campaign_recipients::state.eq(RecipientState::Queued.as_str()))
        .filter(outbox::state.eq(OutboxState::Pending.as_str()))
        .count()
        .get_result::<i64>(connection)?;
    Ok(usize::try_from(waiting).unwrap_or(0))
}

/// When a campaign whose waiting messages were throttled should go slower until.
fn slowed(
    connection: &mut AnyConnection,
    campaign_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, TxError> {
    let throttled = campaign_recipients::table
        .inner_join(
            outbox::table.on(outbox::message_id
                .nullable()
                .eq(campaign_recipients::message_id)),
        )
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .filter(campaign_recipients::state.eq(RecipientState::Queued.as_str()))
        .filter(outbox::state.eq(OutboxState::Pending.as_str()))
        .filter(outbox::last_error.like("throttled:%"))
        .count()
        .get_result::<i64>(connection)?;
    Ok((throttled > 0).then(|| now + SLOWED_FOR))
}

/// Whether a campaign has a recipient not fed yet (the first one of the index, not a count).
fn any_unfed(connection: &mut AnyConnection, campaign_id: i64) -> Result<bool, TxError> {
    Ok(campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .filter(campaign_recipients::state.eq(RecipientState::Pending.as_str()))
        .select(campaign_recipients::id)
        .first::<i64>(connection)
        .optional()?
        .is_some())
}

/// Takes back a campaign's messages that no sender has claimed and that were never tried: their
/// outbox and message rows go, and their recipients are unfed again (a resumed campaign feeds
/// them anew). A message under way or already tried stays: it may have reached the customer.
pub(crate) fn withdraw(connection: &mut AnyConnection, campaign_id: i64) -> Result<usize, TxError> {
    let unclaimed: Vec<(i64, i64)> = campaign_recipients::table
        .inner_join(
            outbox::table.on(outbox::message_id
                .nullable()
                .eq(campaign_recipients::message_id)),
        )
        .filter(campaign_recipients::campaign_id.eq(campaign_id))
        .filter(campaign_recipients::state.eq(RecipientState::Queued.as_str()))
        .filter(outbox::state.eq(OutboxState::Pending.as_str()))
        .filter(outbox::attempts.eq(0))
        .filter(outbox::lease_owner.is_null())
        .select((campaign_recipients::id, outbox::message_id))
        .load(connection)?;
    let mut withdrawn = 0;
    for (recipient_id, message_id) in &unclaimed {
        // Deleted only if still unclaimed and untried: a sender that claimed it meanwhile (on
        // PostgreSQL) keeps it. A lease that ran out still names its owner: that sender may have
        // died mid-send, so the message may have reached the customer, and it stays too.
        let deleted = diesel::delete(
            outbox::table
                .filter(outbox::message_id.eq(message_id))
                .filter(outbox::state.eq(OutboxState::Pending.as_str()))
                .filter(outbox::attempts.eq(0))
                .filter(outbox::lease_owner.is_null()),
        )
        .execute(connection)?;
        if deleted != 1 {
            continue;
        }
        withdrawn += 1;
        diesel::update(campaign_recipients::table.find(recipient_id))
            .set((
                campaign_recipients::state.eq(RecipientState::Pending.as_str()),
                campaign_recipients::message_id.eq(None::<i64>),
                campaign_recipients::fed_at.eq(None::<NaiveDateTime>),
            ))
            .execute(connection)?;
        diesel::delete(messages::table.find(message_id)).execute(connection)?;
    }
    Ok(withdrawn)
}

/// Counts, on their recipients, campaign sends a sender took over after the lease of a sender that
/// died mid-send ran out: that send may have reached the customer already.
pub(crate) fn taken_over(
    connection: &mut AnyConnection,
    message_ids: &[i64],
) -> Result<(), TxError> {
    if message_ids.is_empty() {
        return Ok(());
    }
    diesel::update(
        campaign_recipients::table
            .filter(campaign_recipients::message_id.eq_any(message_ids.iter().map(|id| Some(*id)))),
    )
    .set(campaign_recipients::taken_over.eq(campaign_recipients::taken_over + 1))
    .execute(connection)?;
    Ok(())
}
