//! The ticket update template (`[tickets] update_template`) as [`CloudApiRenderer`] builds it: a
//! template message whose body parameters are the ticket's fields, valid against Meta's request
//! schema; a template that cannot be built is refused with the reason, not sent.

use serde_json::{Value, json};
use wabot_app::{OutboundKind, ReplyRenderer};
use wabot_cloud_api::CloudApiRenderer;

use crate::schema::{request_validator, spec};

#[test]
fn the_update_template_validates_against_metas_schema() {
    let parameters = ["DEF-007".to_owned(), "In review".to_owned(), "-".to_owned()];
    let draft = CloudApiRenderer
        .template("34600000001", "ticket_update", "en", &parameters)
        .unwrap();
    assert_eq!(draft.kind, OutboundKind::Template);
    let body: Value = serde_json::from_str(&draft.body).unwrap();
    let errors: Vec<String> = request_validator(spec())
        .iter_errors(&body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{body}\n{}", errors.join("\n"));
    assert_eq!(
        body["template"],
        json!({
            "name": "ticket_update",
            "language": {"code": "en"},
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": "DEF-007"},
                {"type": "text", "text": "In review"},
                {"type": "text", "text": "-"},
            ]}]
        })
    );
}

#[test]
fn a_template_that_cannot_be_built_is_refused_with_the_reason() {
    let refused = CloudApiRenderer.template("34600000001", "", "en", &[]);
    let reason = refused.unwrap_err();
    assert!(reason.contains("template"), "{reason}");
}
