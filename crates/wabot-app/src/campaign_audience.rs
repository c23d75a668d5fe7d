//! A campaign's audience, before anything is stored: rows of a phone number and parameter values
//! (an explicit list, a CSV with a column per parameter, or contacts a filter chose with one set
//! of values), checked against the stored template and made into the recipients' message bodies.
//! A parameter problem refuses the whole campaign, naming the row and the parameter; a row that
//! is not a phone number is kept as skipped (`invalid`), a repeated number as `duplicate`.

use std::collections::{BTreeMap, HashSet};

use crate::campaigns::{NewRecipient, SkipReason};
use crate::contact_ref::phone_number;
use crate::templates::{ParameterError, TemplateRecord, check_parameters, template_body};

/// One recipient as the operator gave it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AudienceRow {
    /// The phone number as written.
    pub to: String,
    /// Its parameter values by key.
    pub values: BTreeMap<String, String>,
}

/// Why an audience cannot be used; `field` names where (`recipients[3].2`, `csv line 4`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct AudienceProblem {
    /// Where the problem is, as the API names fields.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// The column of a CSV that holds the phone number.
const PHONE_COLUMNS: [&str; 4] = ["phone", "to", "wa_id", "phone_number"];

/// Reads a CSV audience: a header row naming a phone column (`phone`, `to`, `wa_id` or
/// `phone_number`) and one column per parameter key; one recipient per following row. `line`s
/// in problems count from 1, the header included.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<AudienceRow>, AudienceProblem> {
    let problem = |field: String, message: String| AudienceProblem { field, message };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| problem("csv line 1".into(), e.to_string()))?
        .clone();
    let phone = headers
        .iter()
        .position(|h| PHONE_COLUMNS.contains(&h.to_ascii_lowercase().as_str()))
        .ok_or_else(|| {
            problem(
                "csv line 1".into(),
                "no phone column: name one `phone`, `to`, `wa_id` or `phone_number`".into(),
            )
        })?;
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| problem(format!("csv line {line}"), e.to_string()))?;
        let mut row = AudienceRow::default();
        for (column, (header, value)) in headers.iter().zip(record.iter()).enumerate() {
            if column == phone {
                row.to = value.to_owned();
            } else {
                row.values.insert(header.to_owned(), value.to_owned());
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(problem(
            "csv".into(),
            "no recipients after the header".into(),
        ));
    }
    Ok(rows)
}

/// The recipients of a campaign of `template`: each row's values checked (the first problem
/// refuses the campaign: `recipients[i].<key>`), its body made for its number.
pub fn recipients(
    template: &TemplateRecord,
    rows: &[AudienceRow],
) -> Result<Vec<NewRecipient>, AudienceProblem> {
    let mut seen = HashSet::with_capacity(rows.len());
    let mut recipients = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        check_parameters(template, &row.values).map_err(|error: ParameterError| {
            AudienceProblem {
                field: format!("recipients[{index}].{}", error.key()),
                message: error.to_string(),
            }
        })?;
        let recipient = match phone_number(&row.to) {
            None => NewRecipient {
                wa_id: row.to.chars().take(32).collect(),
                body: Err(SkipReason::Invalid),
            },
            Some(wa_id) if !seen.insert(wa_id.clone()) => NewRecipient {
                wa_id,
                body: Err(SkipReason::Duplicate),
            },
            Some(wa_id) => NewRecipient {
                body: Ok(template_body(template, &wa_id, &row.values)),
                wa_id,
            },
        };
        recipients.push(recipient);
    }
    Ok(recipients)
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use serde_json::json;

    use super::*;
    use crate::templates::parameters_of;

    fn template() -> TemplateRecord {
        let components = json!([{"type": "BODY", "text": "Hi {{1}}, code {{2}}"}]);
        TemplateRecord {
            id: 1,
            meta_id: None,
            name: "sale".into(),
            language: "en_US".into(),
            category: "MARKETING".into(),
            status: "APPROVED".into(),
            quality: None,
            reason: None,
            parameter_format: "positional".into(),
            parameters: parameters_of(&components),
            components,
            updated_at: DateTime::default(),
        }
    }

    #[test]
    fn a_csv_gives_one_row_per_line_with_a_value_per_column() {
        let rows = read_csv(b"phone,1,2\n+1 555 0100,Ana,\"A,1\"\n15550101,Bo,B2\n");
        let rows = rows.unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].to, "+1 555 0100");
        assert_eq!(rows[0].values.get("2").map(String::as_str), Some("A,1"));
        let made = recipients(&template(), &rows).unwrap_or_default();
        assert_eq!(made[0].wa_id, "15550100");
        assert!(made.iter().all(|r| r.body.is_ok()));
    }

    #[test]
    fn csv_problems_name_the_line() {
        let missing = read_csv(b"name,1\nAna,x\n").unwrap_err();
        assert_eq!(missing.field, "csv line 1");
        let ragged = read_csv(b"phone,1\n15550100,a,b\n").unwrap_err();
        assert_eq!(ragged.field, "csv line 2");
        assert_eq!(read_csv(b"phone,1\n").unwrap_err().field, "csv");
    }

    #[test]
    fn a_missing_parameter_refuses_the_campaign_naming_row_and_key() {
        let rows = [AudienceRow {
            to: "15550100".into(),
            values: BTreeMap::from([("1".to_owned(), "Ana".to_owned())]),
        }];
        let problem = recipients(&template(), &rows).unwrap_err();
        assert_eq!(problem.field, "recipients[0].2");
    }

    #[test]
    fn invalid_and_repeated_numbers_are_skipped_not_refused() {
        let values = BTreeMap::from([
            ("1".to_owned(), "A".to_owned()),
            ("2".to_owned(), "B".to_owned()),
        ]);
        let row = |to: &str| AudienceRow {
            to: to.into(),
            values: values.clone(),
        };
        let made = recipients(
            &template(),
            &[row("15550100"), row("abc"), row("+15550100")],
        )
        .unwrap_or_default();
        assert!(made[0].body.is_ok());
        assert_eq!(made[1].body, Err(SkipReason::Invalid));
        assert_eq!(made[2].body, Err(SkipReason::Duplicate));
    }
}
