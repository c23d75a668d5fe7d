//! The webhook fields about the account rather than a conversation that campaigns need:
//! `message_template_status_update`, `message_template_quality_update`,
//! `template_category_update` (a template's status, quality, category) and `user_preferences`
//! (a customer stopped or resumed marketing messages). Read leniently; anything unreadable is left
//! out (the raw event is stored all the same).

use serde_json::Value;
use wabot_app::{AccountUpdate, TemplateChange, TemplateUpdate};

use crate::json::{field, items};
use crate::webhook::{Change, WebhookPayload};

/// Every account update of a payload, in order.
pub fn account_updates(payload: &WebhookPayload) -> Vec<AccountUpdate> {
    let mut updates = Vec::new();
    for entry in &payload.entries {
        for change in &entry.changes {
            if let Change::Unknown { field, value } = change {
                updates.extend(read(field, value));
            }
        }
    }
    updates
}

fn template(value: &Value, change: TemplateChange) -> AccountUpdate {
    AccountUpdate::Template(TemplateUpdate {
        meta_id: field(value, "message_template_id"),
        name: field(value, "message_template_name"),
        language: field(value, "message_template_language"),
        change,
    })
}

fn read(name: &str, value: &Value) -> Vec<AccountUpdate> {
    match name {
        "message_template_status_update" => field(value, "event")
            .map(|status| {
                let reason = field(value, "reason").or_else(|| {
                    value
                        .pointer("/other_info/title")
                        .and_then(crate::json::text)
                });
                template(value, TemplateChange::Status { status, reason })
            })
            .into_iter()
            .collect(),
        "message_template_quality_update" => field(value, "new_quality_score")
            .map(|quality| template(value, TemplateChange::Quality(quality)))
            .into_iter()
            .collect(),
        "template_category_update" => field(value, "new_category")
            .or_else(|| field(value, "correct_category"))
            .map(|category| template(value, TemplateChange::Category(category)))
            .into_iter()
            .collect(),
        "user_preferences" => items(value, "user_preferences")
            .iter()
            .filter(|p| field(p, "category").as_deref() == Some("marketing_messages"))
            .filter_map(|p| {
                let opted_out = match field(p, "value")?.to_ascii_lowercase().as_str() {
                    "stop" => true,
                    "resume" => false,
                    _ => return None,
                };
                Some(AccountUpdate::MarketingPreference {
                    wa_id: field(p, "wa_id")?,
                    opted_out,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(field: &str, value: &str) -> WebhookPayload {
        let body = format!(
            r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"{field}","value":{value}}}]}}]}}"#
        );
        WebhookPayload::parse(body.as_bytes()).unwrap()
    }

    #[test]
    fn a_paused_template_is_read_with_its_reason() {
        let updates = account_updates(&payload(
            "message_template_status_update",
            r#"{"event":"PAUSED","message_template_id":594425479261596,"message_template_name":"fall_sale","message_template_language":"en_US","reason":"LOW_QUALITY"}"#,
        ));
        assert_eq!(
            updates,
            [AccountUpdate::Template(TemplateUpdate {
                meta_id: Some("594425479261596".into()),
                name: Some("fall_sale".into()),
                language: Some("en_US".into()),
                change: TemplateChange::Status {
                    status: "PAUSED".into(),
                    reason: Some("LOW_QUALITY".into())
                },
            })]
        );
    }

    #[test]
    fn quality_and_category_updates_are_read() {
        let quality = account_updates(&payload(
            "message_template_quality_update",
            r#"{"previous_quality_score":"GREEN","new_quality_score":"YELLOW","message_template_id":1}"#,
        ));
        assert!(
            matches!(&quality[..], [AccountUpdate::Template(TemplateUpdate { change: TemplateChange::Quality(q), .. })] if q == "YELLOW")
        );
        let category = account_updates(&payload(
            "template_category_update",
            r#"{"message_template_id":1,"previous_category":"UTILITY","new_category":"MARKETING"}"#,
        ));
        assert!(
            matches!(&category[..], [AccountUpdate::Template(TemplateUpdate { change: TemplateChange::Category(c), .. })] if c == "MARKETING")
        );
    }

    #[test]
    fn marketing_stops_and_resumes_are_read_other_preferences_ignored() {
        let updates = account_updates(&payload(
            "user_preferences",
            r#"{"messaging_product":"whatsapp","user_preferences":[
                {"wa_id":"15550100","detail":"User requested to stop marketing messages","category":"marketing_messages","value":"stop","timestamp":1731705721},
                {"wa_id":"15550101","category":"marketing_messages","value":"resume","timestamp":1731705722},
                {"wa_id":"15550102","category":"other","value":"stop"}]}"#,
        ));
        assert_eq!(
            updates,
            [
                AccountUpdate::MarketingPreference {
                    wa_id: "15550100".into(),
                    opted_out: true
                },
                AccountUpdate::MarketingPreference {
                    wa_id: "15550101".into(),
                    opted_out: false
                },
            ]
        );
    }
}
