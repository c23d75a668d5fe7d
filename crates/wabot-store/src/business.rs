//! The engine's [`BusinessData`] port on the open transaction of a conversation step. Every query
//! filters by the contact whose conversation it is (not by the `customer` string the engine
//! passes, which is the number the conversation started from), so nobody reads another person's
//! records, and a new owner of a reused number sees none of the previous owner's.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use wabot_app::StoreError;
use wabot_engine::{
    BusinessData, DefectTicket, NewDefect, Order, OrderStatus, ScheduleEntry, ScheduleKind,
    ScheduleStatus, TicketStatus, TicketStatusChange,
};

use crate::connection::AnyConnection;
use crate::schema::{defect_ticket_history, defect_tickets, feedback, orders, schedule_entries};
use crate::sql::{naive, per_backend, utc};

/// Business data bound to one connection (inside the step's transaction) and to the contact whose
/// conversation is stepped: every read and write is that person's, whatever number they write from
/// (the engine's `customer` key is kept in the rows written, as the id the business knows).
pub(crate) struct TxBusinessData<'c> {
    pub connection: &'c mut AnyConnection,
    pub contact_id: i64,
}

const DAY: &str = "%Y-%m-%d";
const TIME: &str = "%H:%M";

pub(crate) fn day(date: NaiveDate) -> String {
    date.format(DAY).to_string()
}

fn parse_day(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, DAY)
        .map_err(|e| StoreError::corrupt(format!("date `{text}`"), e))
}

fn parse_time(text: &str) -> Result<NaiveTime, StoreError> {
    NaiveTime::parse_from_str(text, TIME)
        .map_err(|e| StoreError::corrupt(format!("time `{text}`"), e))
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::invalid(format!("unknown {what} `{value}`"))
}

/// An order as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = orders)]
pub(crate) struct OrderRow {
    number: String,
    status: String,
    items: String,
    placed_on: String,
    expected_delivery: Option<String>,
    tracking_note: Option<String>,
    tracking_url: Option<String>,
}

pub(crate) fn order(row: OrderRow) -> Result<Order, StoreError> {
    Ok(Order {
        status: OrderStatus::parse(&row.status)
            .ok_or_else(|| corrupt("order status", &row.status))?,
        number: row.number,
        items: row.items,
        placed_on: parse_day(&row.placed_on)?,
        expected_delivery: row
            .expected_delivery
            .as_deref()
            .map(parse_day)
            .transpose()?,
        tracking_note: row.tracking_note,
        tracking_url: row.tracking_url,
    })
}

/// A defect ticket as stored (its history is read separately, by [`ticket_history`]).
#[derive(Queryable, Selectable)]
#[diesel(table_name = defect_tickets)]
pub(crate) struct TicketRow {
    pub id: i64,
    pub reference: String,
    pub customer: String,
    pub contact_id: Option<i64>,
    pub order_number: Option<String>,
    pub description: String,
    pub photo_media_id: Option<String>,
    pub status: String,
    pub opened_at: chrono::NaiveDateTime,
}

/// A stored ticket status.
pub(crate) fn ticket_status(status: &str) -> Result<TicketStatus, StoreError> {
    TicketStatus::parse(status).ok_or_else(|| corrupt("ticket status", status))
}

/// Every status a ticket went through, oldest first.
pub(crate) fn ticket_history(
    connection: &mut AnyConnection,
    ticket_id: i64,
) -> Result<Vec<TicketStatusChange>, StoreError> {
    defect_ticket_history::table
        .filter(defect_ticket_history::ticket_id.eq(ticket_id))
        .order((defect_ticket_history::at, defect_ticket_history::id))
        .select((
            defect_ticket_history::status,
            defect_ticket_history::at,
            defect_ticket_history::note,
        ))
        .load::<(String, chrono::NaiveDateTime, Option<String>)>(connection)
        .map_err(StoreError::database)?
        .into_iter()
        .map(|(status, at, note)| {
            Ok(TicketStatusChange {
                status: ticket_status(&status)?,
                at: utc(at),
                note,
            })
        })
        .collect()
}

/// A schedule entry as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = schedule_entries)]
pub(crate) struct EntryRow {
    day: String,
    starts: String,
    ends: String,
    kind: String,
    status: String,
    note: Option<String>,
}

pub(crate) fn entry(row: EntryRow) -> Result<ScheduleEntry, StoreError> {
    Ok(ScheduleEntry {
        date: parse_day(&row.day)?,
        starts: parse_time(&row.starts)?,
        ends: parse_time(&row.ends)?,
        kind: ScheduleKind::parse(&row.kind).ok_or_else(|| corrupt("schedule kind", &row.kind))?,
        status: ScheduleStatus::parse(&row.status)
            .ok_or_else(|| corrupt("schedule status", &row.status))?,
        note: row.note,
    })
}

pub(crate) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl TxBusinessData<'_> {
    fn ticket(&mut self, row: TicketRow) -> Result<DefectTicket, StoreError> {
        let TicketRow {
            id,
            reference,
            order_number: order,
            description,
            photo_media_id,
            status,
            opened_at,
            ..
        } = row;
        let history = ticket_history(self.connection, id)?;
        Ok(DefectTicket {
            status: ticket_status(&status)?,
            reference,
            order,
            description,
            photo_media_id,
            opened_at: utc(opened_at),
            history,
        })
    }

    fn entries(&mut self, query: Vec<EntryRow>) -> Result<Vec<ScheduleEntry>, StoreError> {
        query.into_iter().map(entry).collect()
    }
}

impl BusinessData for TxBusinessData<'_> {
    type Error = StoreError;

    fn recent_orders(&mut self, _customer: &str, n: usize) -> Result<Vec<Order>, StoreError> {
        orders::table
            .filter(orders::contact_id.eq(self.contact_id))
            .order((orders::placed_on.desc(), orders::number.desc()))
            .limit(limit(n))
            .select(OrderRow::as_select())
            .load(self.connection)
            .map_err(StoreError::database)?
            .into_iter()
            .map(order)
            .collect()
    }

    fn order(&mut self, _customer: &str, number: &str) -> Result<Option<Order>, StoreError> {
        orders::table
            .filter(orders::contact_id.eq(self.contact_id))
            .filter(orders::number.eq(number))
            .select(OrderRow::as_select())
            .first(self.connection)
            .optional()
            .map_err(StoreError::database)?
            .map(order)
            .transpose()
    }

    fn delivery_dates(&mut self, _customer: &str) -> Result<Vec<Order>, StoreError> {
        let open: Vec<&str> = OrderStatus::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect();
        orders::table
            .filter(orders::contact_id.eq(self.contact_id))
            .filter(orders::status.eq_any(open))
            .filter(orders::expected_delivery.is_not_null())
            .order((orders::expected_delivery, orders::number))
            .select(OrderRow::as_select())
            .load(self.connection)
            .map_err(StoreError::database)?
            .into_iter()
            .map(order)
            .collect()
    }

    fn create_defect(
        &mut self,
        customer: &str,
        defect: NewDefect,
        now: DateTime<Utc>,
    ) -> Result<DefectTicket, StoreError> {
        let opened = naive(now);
        // A placeholder reference unique to this transaction, replaced once the id is known.
        let placeholder = format!(
            "pending-{customer}-{}",
            now.timestamp_nanos_opt().unwrap_or_default()
        );
        let row = (
            defect_tickets::reference.eq(&placeholder),
            defect_tickets::customer.eq(customer),
            defect_tickets::contact_id.eq(self.contact_id),
            defect_tickets::order_number.eq(&defect.order),
            defect_tickets::description.eq(&defect.description),
            defect_tickets::photo_media_id.eq(&defect.photo_media_id),
            defect_tickets::status.eq(TicketStatus::Open.as_str()),
            defect_tickets::opened_at.eq(opened),
        );
        let id = per_backend!(&mut *self.connection, |c| diesel::insert_into(
            defect_tickets::table
        )
        .values(row)
        .returning(defect_tickets::id)
        .get_result::<i64>(c)
        .map_err(StoreError::database)?);
        let reference = format!("{}-{id:03}", defect.reference_prefix);
        diesel::update(defect_tickets::table.find(id))
            .set(defect_tickets::reference.eq(&reference))
            .execute(self.connection)
            .map_err(StoreError::database)?;
        diesel::insert_into(defect_ticket_history::table)
            .values((
                defect_ticket_history::ticket_id.eq(id),
                defect_ticket_history::status.eq(TicketStatus::Open.as_str()),
                defect_ticket_history::at.eq(opened),
            ))
            .execute(self.connection)
            .map_err(StoreError::database)?;
        // The photo (or video, document) is downloaded by a worker, never in this step: its job
        // is committed with the ticket, and the ticket never waits for it.
        if let Some(media_id) = &defect.photo_media_id {
            crate::ticket_media::queue_media(self.connection, id, 1, media_id, opened)?;
        }
        self.defect(customer, &reference)?
            .ok_or(StoreError::NotFound(reference))
    }

    fn defect_history(
        &mut self,
        _customer: &str,
        n: usize,
    ) -> Result<Vec<DefectTicket>, StoreError> {
        let rows = defect_tickets::table
            .filter(defect_tickets::contact_id.eq(self.contact_id))
            .order((defect_tickets::opened_at.desc(), defect_tickets::id.desc()))
            .limit(limit(n))
            .select(TicketRow::as_select())
            .load(self.connection)
            .map_err(StoreError::database)?;
        rows.into_iter().map(|row| self.ticket(row)).collect()
    }

    fn defect(
        &mut self,
        _customer: &str,
        reference: &str,
    ) -> Result<Option<DefectTicket>, StoreError> {
        let row = defect_tickets::table
            .filter(defect_tickets::contact_id.eq(self.contact_id))
            .filter(defect_tickets::reference.eq(reference))
            .select(TicketRow::as_select())
            .first(self.connection)
            .optional()
            .map_err(StoreError::database)?;
        row.map(|row| self.ticket(row)).transpose()
    }

    fn schedule(
        &mut self,
        _customer: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<ScheduleEntry>, StoreError> {
        let rows = schedule_entries::table
            .filter(schedule_entries::contact_id.eq(self.contact_id))
            .filter(schedule_entries::day.ge(day(from)))
            .filter(schedule_entries::day.lt(day(until)))
            .order((schedule_entries::day, schedule_entries::starts))
            .select(EntryRow::as_select())
            .load(self.connection)
            .map_err(StoreError::database)?;
        self.entries(rows)
    }

    fn upcoming_schedule(
        &mut self,
        _customer: &str,
        today: NaiveDate,
        n: usize,
    ) -> Result<Vec<ScheduleEntry>, StoreError> {
        let live = [
            ScheduleStatus::Planned.as_str(),
            ScheduleStatus::Confirmed.as_str(),
        ];
        let rows = schedule_entries::table
            .filter(schedule_entries::contact_id.eq(self.contact_id))
            .filter(schedule_entries::day.ge(day(today)))
            .filter(schedule_entries::status.eq_any(live))
            .order((schedule_entries::day, schedule_entries::starts))
            .limit(limit(n))
            .select(EntryRow::as_select())
            .load(self.connection)
            .map_err(StoreError::database)?;
        self.entries(rows)
    }

    fn store_feedback(
        &mut self,
        customer: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        diesel::insert_into(feedback::table)
            .values((
                feedback::customer.eq(customer),
                feedback::contact_id.eq(self.contact_id),
                feedback::text.eq(text),
                feedback::created_at.eq(naive(now)),
            ))
            .execute(self.connection)
            .map(drop)
            .map_err(StoreError::database)
    }
}
