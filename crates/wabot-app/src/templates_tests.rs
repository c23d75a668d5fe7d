//! Tests of the template parameters: read from Meta's components, checked, made into a body.

use super::*;

fn record(components: Value) -> TemplateRecord {
    TemplateRecord {
        id: 1,
        meta_id: None,
        name: "fall_sale".into(),
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

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn metas_example_template_needs_its_two_body_values() {
    // The example of Meta's OpenAPI description (GET message_templates).
    let template = record(json!([
        {"format": "TEXT", "text": "Fall Sale", "type": "HEADER"},
        {"text": "Hi {{1}}, our Fall Sale is on! Use promo code {{2}}", "type": "BODY"},
        {"buttons": [{"text": "Stop promotions", "type": "QUICK_REPLY"}], "type": "BUTTONS"}
    ]));
    let keys: Vec<_> = template.parameters.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["1", "2"]);
    assert_eq!(
        check_parameters(&template, &values(&[("1", "Mark")])),
        Err(ParameterError::Missing("2".into()))
    );
    assert_eq!(
        check_parameters(&template, &values(&[("1", "Mark"), ("2", "X"), ("3", "Y")])),
        Err(ParameterError::Unknown("3".into()))
    );
    let given = values(&[("1", "Mark"), ("2", "FALL25")]);
    assert_eq!(check_parameters(&template, &given), Ok(()));
    let body: Value =
        serde_json::from_str(&template_body(&template, "15551234567", &given)).unwrap_or_default();
    assert_eq!(
        body["template"]["components"],
        json!([{"type": "body", "parameters": [
            {"type": "text", "text": "Mark"}, {"type": "text", "text": "FALL25"}]}])
    );
    assert_eq!(body["to"], "15551234567");
}

#[test]
fn named_header_media_and_url_button_parameters_are_read_and_built() {
    let template = record(json!([
        {"type": "HEADER", "format": "IMAGE"},
        {"type": "BODY", "text": "Hello {{first_name}}, {{first_name}} again"},
        {"type": "BUTTONS", "buttons": [
            {"type": "QUICK_REPLY", "text": "Stop"},
            {"type": "URL", "text": "Shop", "url": "https://shop.example/{{1}}"}]}
    ]));
    let keys: Vec<_> = template.parameters.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["header.image", "first_name", "button.1"]);
    let bad = values(&[
        ("header.image", "http://x/a.png"),
        ("first_name", "Ana"),
        ("button.1", "sale"),
    ]);
    assert_eq!(
        check_parameters(&template, &bad).map_err(|e| e.key().to_owned()),
        Err("header.image".to_owned())
    );
    let good = values(&[
        ("header.image", "https://x/a.png"),
        ("first_name", "Ana"),
        ("button.1", "sale"),
    ]);
    assert_eq!(check_parameters(&template, &good), Ok(()));
    let body: Value =
        serde_json::from_str(&template_body(&template, "1", &good)).unwrap_or_default();
    assert_eq!(
        body["template"]["components"],
        json!([
            {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://x/a.png"}}]},
            {"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Ana"}]},
            {"type": "button", "sub_type": "url", "index": "1", "parameters": [{"type": "text", "text": "sale"}]}
        ])
    );
}

#[test]
fn an_empty_or_too_long_value_is_refused_naming_it() {
    let template = record(json!([{"type": "BODY", "text": "Hi {{1}}"}]));
    assert_eq!(
        check_parameters(&template, &values(&[("1", "  ")])),
        Err(ParameterError::Missing("1".into()))
    );
    let long = "x".repeat(1025);
    assert!(matches!(
        check_parameters(&template, &values(&[("1", &long)])),
        Err(ParameterError::Invalid { key, .. }) if key == "1"
    ));
}
