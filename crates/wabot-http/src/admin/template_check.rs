//! A template sent by hand (`POST /api/messages`) checked against the synced template before it is
//! queued: the template must be approved, and the parameters given must be exactly the ones its
//! components have (`1`, `2`, `header.1`, a named placeholder, `header.image`, `button.0`). A
//! template that was never synced is let through (Meta answers 132000/132001 for a wrong one).

use std::collections::BTreeSet;

use serde_json::Value;
use wabot_app::Campaigns;

use crate::error::ApiError;

/// The parameter keys a template message's components give.
fn given_keys(template: &Value) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for component in template["components"].as_array().into_iter().flatten() {
        let parameters = component["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        match component["type"].as_str().unwrap_or_default() {
            "header" => {
                for (i, parameter) in parameters.iter().enumerate() {
                    let kind = parameter["type"].as_str().unwrap_or_default();
                    keys.insert(match (kind, parameter["parameter_name"].as_str()) {
                        ("text", Some(name)) => format!("header.{name}"),
                        ("text", None) => format!("header.{}", i + 1),
                        (media, _) => format!("header.{media}"),
                    });
                }
            }
            "body" => {
                for (i, parameter) in parameters.iter().enumerate() {
                    keys.insert(match parameter["parameter_name"].as_str() {
                        Some(name) => name.to_owned(),
                        None => (i + 1).to_string(),
                    });
                }
            }
            "button" if component["sub_type"] == "url" => {
                keys.insert(format!(
                    "button.{}",
                    component["index"].as_str().unwrap_or_default()
                ));
            }
            _ => {}
        }
    }
    keys
}

/// Refuses (422) a template message that does not fit its synced template.
pub async fn check<S: Campaigns>(store: &S, body: &str) -> Result<(), ApiError> {
    let message: Value = serde_json::from_str(body).unwrap_or_default();
    if message["type"] != "template" {
        return Ok(());
    }
    let template = &message["template"];
    let name = template["name"].as_str().unwrap_or_default();
    let language = template["language"]["code"].as_str().unwrap_or_default();
    let Some(stored) = store
        .template(name, language)
        .await
        .map_err(ApiError::Unavailable)?
    else {
        return Ok(());
    };
    if !stored.approved() {
        return Err(ApiError::invalid(
            "template.name",
            format!(
                "template {name} ({language}) is {}, not APPROVED",
                stored.status
            ),
        ));
    }
    let given = given_keys(template);
    let wanted: BTreeSet<String> = stored.parameters.iter().map(|p| p.key.clone()).collect();
    if let Some(missing) = wanted.difference(&given).next() {
        return Err(ApiError::invalid(
            "template.components",
            format!("parameter `{missing}` is missing: the template needs it"),
        ));
    }
    if let Some(unknown) = given.difference(&wanted).next() {
        return Err(ApiError::invalid(
            "template.components",
            format!("parameter `{unknown}` is not one of the template's parameters"),
        ));
    }
    Ok(())
}
