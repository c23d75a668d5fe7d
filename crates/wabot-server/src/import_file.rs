//! Reading a file for `wabot import`: CSV with a header row (RFC 4180 quoting, any column order,
//! unknown columns refused up front) or JSON lines (one object per line, blank lines skipped).
//! Each row comes out with the line it starts on, its fields or why they could not be read; the
//! checks of the values are the app's ([`wabot_app::plan_orders`]).

use std::io::Read;
use std::path::Path;

use anyhow::{Context, bail};
use wabot_app::{OrderFields, ReadRow, ScheduleFields};

/// The formats `wabot import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row naming the columns.
    Csv,
    /// JSON lines: one JSON object per line.
    Jsonl,
}

impl Format {
    /// The format a file's name says (`.csv`; `.jsonl`, `.ndjson`), if it says one.
    pub fn of(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            _ => None,
        }
    }
}

/// The fields of one kind of record, as a file's rows fill them.
pub trait Fields: Default + serde::de::DeserializeOwned {
    /// The column names, in the usual order.
    const COLUMNS: &'static [&'static str];
    /// The columns a CSV file must have.
    const REQUIRED: &'static [&'static str];
    /// Sets one column; false for an unknown name.
    fn set(&mut self, column: &str, value: &str) -> bool;
}

impl Fields for OrderFields {
    const COLUMNS: &'static [&'static str] = wabot_app::ORDER_FIELDS;
    const REQUIRED: &'static [&'static str] = &["customer", "order_number", "status"];
    fn set(&mut self, column: &str, value: &str) -> bool {
        OrderFields::set(self, column, value)
    }
}

impl Fields for ScheduleFields {
    const COLUMNS: &'static [&'static str] = wabot_app::SCHEDULE_FIELDS;
    const REQUIRED: &'static [&'static str] =
        &["reference", "customer", "kind", "date", "starts", "ends"];
    fn set(&mut self, column: &str, value: &str) -> bool {
        ScheduleFields::set(self, column, value)
    }
}

/// Every row of the file at `path`, read as `format`.
pub fn read_rows<F: Fields>(path: &Path, format: Format) -> anyhow::Result<Vec<ReadRow<F>>> {
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|mut file| file.read_to_string(&mut text))
        .with_context(|| format!("cannot read {} (it must be UTF-8 text)", path.display()))?;
    match format {
        Format::Csv => csv_rows(&text),
        Format::Jsonl => Ok(json_rows(&text)),
    }
}

fn csv_rows<F: Fields>(text: &str) -> anyhow::Result<Vec<ReadRow<F>>> {
    // A byte-order mark (Excel writes one) is not part of the first column's name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .context("the CSV header row cannot be read")?
        .iter()
        .map(str::to_ascii_lowercase)
        .collect();
    let columns = F::COLUMNS.join(", ");
    if let Some(unknown) = header
        .iter()
        .find(|name| !F::COLUMNS.contains(&name.as_str()))
    {
        bail!("line 1: column `{unknown}` is not one of {columns}; nothing was written");
    }
    let missing: Vec<&str> = F::REQUIRED
        .iter()
        .copied()
        .filter(|name| !header.iter().any(|column| column == name))
        .collect();
    if !missing.is_empty() {
        bail!(
            "line 1: the header row lacks the column(s) {}; the columns are {columns}; nothing \
             was written",
            missing.join(", ")
        );
    }
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                let mut fields = F::default();
                for (column, value) in header.iter().zip(record.iter()) {
                    fields.set(column, value);
                }
                rows.push((line, Ok(fields)));
            }
            Err(error) => {
                let line = error.position().map_or(line, |p| p.line());
                rows.push((line, Err(csv_problem(&error))));
                if !matches!(error.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break; // the reader cannot go on past this one
                }
            }
        }
    }
    Ok(rows)
}

fn csv_problem(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} cells where the header has {expected_len}"),
        _ => format!("the CSV cannot be read here: {error}"),
    }
}

fn json_rows<F: Fields>(text: &str) -> Vec<ReadRow<F>> {
    text.lines()
        .zip(1u64..)
        .filter(|(line, _)| !line.trim().is_empty())
        .map(|(line, number)| {
            // serde would also read a JSON array as the fields in order: only objects count.
            let fields = if line.trim_start().starts_with('{') {
                serde_json::from_str::<F>(line)
                    .map_err(|error| format!("not a JSON object of this record's fields: {error}"))
            } else {
                Err("not a JSON object (each line must be one {…})".to_owned())
            };
            (number, fields)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn csv_rows_keep_their_lines_and_quoted_commas() {
        let text = "\u{feff}order_number,customer,status,items\n\
                    ORD-1,+15551234567,shipped,\"2x chair, oak\"\n\
                    ORD-2,15551234567,shipped\n\
                    \"ORD-3\",15551234567,\"multi\nline\",x\n\
                    ORD-4,15551234567,delivered,\n";
        let rows = csv_rows::<OrderFields>(text).unwrap();
        let lines: Vec<u64> = rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 3, 4, 6]);
        let first = rows[0].1.as_ref().unwrap();
        assert_eq!(first.items.as_deref(), Some("2x chair, oak"));
        assert_eq!(
            rows[1].1.as_ref().unwrap_err(),
            "the row has 3 cells where the header has 4"
        );
    }

    #[test]
    fn a_header_with_an_unknown_or_missing_column_is_refused() {
        let unknown = csv_rows::<OrderFields>("customer,order_number,stauts\n").unwrap_err();
        assert!(unknown.to_string().contains("column `stauts`"), "{unknown}");
        let missing = csv_rows::<OrderFields>("customer,status\n").unwrap_err();
        assert!(missing.to_string().contains("order_number"), "{missing}");
    }

    #[test]
    fn json_lines_are_numbered_and_blank_ones_skipped() {
        let text = "{\"customer\": 15551234567, \"order_number\": \"ORD-1\"}\n\n[1]\n";
        let rows = json_rows::<OrderFields>(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 1);
        assert_eq!(
            rows[0].1.as_ref().unwrap().customer.as_deref(),
            Some("15551234567")
        );
        assert_eq!(rows[1].0, 3);
        assert!(rows[1].1.is_err());
    }
}
