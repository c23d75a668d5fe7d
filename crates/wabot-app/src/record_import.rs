//! Bulk import of orders or schedule entries (`wabot import`): every row is checked first
//! ([`plan_orders`], [`plan_schedule`]: the same validation as the admin API, plus a key given twice
//! in one file), and only then written in batches ([`write_batches`]), each batch one transaction
//! of upserts. Reading the file and drawing progress are the caller's.

use std::collections::HashMap;
use std::future::Future;

use crate::business_records::{OrderRecord, ScheduleRecord, WriteCounts};
use crate::error::StoreError;
use crate::record_check::FieldError;
use crate::record_fields::{OrderFields, ScheduleFields};

/// A row that will not be written: its line in the file, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The line the row starts on (1 is the file's first line).
    pub line: u64,
    /// What is wrong (`status: must be one of …`).
    pub reason: String,
}

/// What the rows of a file come to: the records to write, in file order, and the rows refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPlan<R> {
    /// Valid records.
    pub records: Vec<R>,
    /// Refused rows, in file order.
    pub rejected: Vec<Rejected>,
}

/// One row as read from the file: its line, and its fields or why they could not be read (a CSV
/// row with too many cells, a JSON line that is not an object).
pub type ReadRow<F> = (u64, Result<F, String>);

fn plan<F, R>(
    rows: impl IntoIterator<Item = ReadRow<F>>,
    check: impl Fn(F) -> Result<R, FieldError>,
    key: fn(&R) -> &str,
    key_field: &str,
) -> ImportPlan<R> {
    let mut plan = ImportPlan {
        records: Vec::new(),
        rejected: Vec::new(),
    };
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for (line, fields) in rows {
        let record = fields.and_then(|fields| check(fields).map_err(|error| error.to_string()));
        let reason = match record {
            Ok(record) => match first_line.get(key(&record)) {
                Some(first) => format!(
                    "{key_field}: {} is also on line {first} (each may appear once per file)",
                    key(&record)
                ),
                None => {
                    first_line.insert(key(&record).to_owned(), line);
                    plan.records.push(record);
                    continue;
                }
            },
            Err(reason) => reason,
        };
        plan.rejected.push(Rejected { line, reason });
    }
    plan
}

/// Checks order rows; `prefix` is the menu's order prefix.
pub fn plan_orders(
    rows: impl IntoIterator<Item = ReadRow<OrderFields>>,
    prefix: &str,
) -> ImportPlan<OrderRecord> {
    plan(
        rows,
        |fields| fields.check(prefix),
        |record| &record.order.number,
        "order_number",
    )
}

/// Checks schedule rows.
pub fn plan_schedule(
    rows: impl IntoIterator<Item = ReadRow<ScheduleFields>>,
) -> ImportPlan<ScheduleRecord> {
    plan(
        rows,
        ScheduleFields::check,
        |record| &record.reference,
        "reference",
    )
}

/// Writes `records` in batches of `batch` (at least 1) through `put` (one transaction each),
/// calling `progress` with the number written so far after each batch. Stops at the first failed
/// batch: the batches before it stay written (a re-run finds them unchanged).
pub async fn write_batches<R, Fut>(
    records: Vec<R>,
    batch: usize,
    mut put: impl FnMut(Vec<R>) -> Fut,
    mut progress: impl FnMut(u64),
) -> Result<WriteCounts, StoreError>
where
    Fut: Future<Output = Result<WriteCounts, StoreError>>,
{
    let mut counts = WriteCounts::default();
    let mut records = records.into_iter().peekable();
    while records.peek().is_some() {
        let chunk: Vec<R> = records.by_ref().take(batch.max(1)).collect();
        counts.add(put(chunk).await?);
        progress(counts.total());
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn order(customer: &str, number: &str, status: &str) -> OrderFields {
        OrderFields {
            customer: Some(customer.into()),
            order_number: Some(number.into()),
            status: Some(status.into()),
            ..OrderFields::default()
        }
    }

    #[test]
    fn bad_rows_and_repeated_numbers_are_refused_with_their_line() {
        let rows = vec![
            (2, Ok(order("+1 555 123 4567", "ord 1", "shipped"))),
            (3, Ok(order("15551234567", "ORD-2", "lost"))),
            (4, Err("found 5 fields, expected 4".to_owned())),
            (5, Ok(order("15557654321", "ORD-001", "delivered"))),
            (6, Ok(order("nobody", "ORD-3", "shipped"))),
        ];
        let plan = plan_orders(rows, "ORD");
        assert_eq!(plan.records.len(), 1);
        assert_eq!(plan.records[0].order.number, "ORD-001");
        let lines: Vec<u64> = plan.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
        assert!(
            plan.rejected[0]
                .reason
                .starts_with("status: must be one of processing")
        );
        assert_eq!(plan.rejected[1].reason, "found 5 fields, expected 4");
        assert!(
            plan.rejected[2].reason.contains("also on line 2"),
            "{:?}",
            plan.rejected[2]
        );
        assert!(plan.rejected[3].reason.starts_with("customer:"));
    }

    /// Runs a future whose parts are all ready at once (no runtime in this crate).
    fn ready<T>(future: impl Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the future was not ready"),
        }
    }

    #[test]
    fn batches_are_written_in_order_with_progress() {
        let mut seen = Vec::new();
        let mut progress = Vec::new();
        let counts = ready(write_batches(
            (1..=7).collect::<Vec<u32>>(),
            3,
            |chunk| {
                seen.push(chunk.clone());
                let created = chunk.len() as u64;
                async move {
                    Ok(WriteCounts {
                        created,
                        ..WriteCounts::default()
                    })
                }
            },
            |done| progress.push(done),
        ))
        .unwrap();
        assert_eq!(seen, [vec![1, 2, 3], vec![4, 5, 6], vec![7]]);
        assert_eq!(progress, [3, 6, 7]);
        assert_eq!(counts.created, 7);
    }
}
