//! Templates: the list Meta's OpenAPI description gives as its example is read into parameters;
//! the client reads every page of `message_templates` from a real local HTTP server; and every
//! campaign body made from a stored template validates against Meta's request schema.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use wabot_app::{TemplateRecord, parameters_of, template_body};
use wabot_cloud_api::{CloudApiClient, CloudApiConfig, SecretString};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::schema::request_validator;
use crate::schema::spec;

/// The example answer of `GET /{WABA-ID}/message_templates` in Meta's description.
fn example_list() -> Value {
    spec()["paths"]["/{Version}/{WABA-ID}/message_templates"]["get"]["responses"]["200"]["content"]
        ["application/json"]["examples"]["Example response"]["value"]
        .clone()
}

fn record(name: &str, components: Value) -> TemplateRecord {
    TemplateRecord {
        id: 1,
        meta_id: None,
        name: name.into(),
        language: "en_US".into(),
        category: "MARKETING".into(),
        status: "APPROVED".into(),
        quality: None,
        reason: None,
        parameter_format: "positional".into(),
        parameters: parameters_of(&components),
        components,
        updated_at: chrono::DateTime::default(),
    }
}

#[tokio::test]
async fn every_page_of_the_template_list_is_read() {
    let server = MockServer::start().await;
    let mut first = example_list();
    first["paging"]["next"] =
        json!("https://graph.facebook.com/v23.0/WABA1/message_templates?after=MjQZD");
    let mut second = example_list();
    second["data"][0]["name"] = json!("hello_world_2");
    second["data"][1]["name"] = json!("2023_april_promo_2");
    second["paging"] = json!({"cursors": {"before": "MjQZD", "after": "END"}});
    Mock::given(method("GET"))
        .and(path("/v23.0/WABA1/message_templates"))
        .and(query_param("after", "MjQZD"))
        .respond_with(ResponseTemplate::new(200).set_body_json(second))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v23.0/WABA1/message_templates"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .with_priority(2)
        .mount(&server)
        .await;
    let mut config = CloudApiConfig::new("PN1", SecretString::from("token"));
    config.base_url = server.uri();
    let templates = CloudApiClient::new(config)
        .unwrap()
        .message_templates("WABA1")
        .await
        .unwrap();
    let names: Vec<_> = templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "hello_world",
            "2023_april_promo",
            "hello_world_2",
            "2023_april_promo_2"
        ]
    );
    let promo = parameters_of(&templates[1].components);
    let keys: Vec<_> = promo.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["1", "2"]);
    assert!(parameters_of(&templates[0].components).is_empty());
}

#[tokio::test]
async fn a_graph_error_on_the_list_is_a_classified_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}})))
        .mount(&server)
        .await;
    let mut config = CloudApiConfig::new("PN1", SecretString::from("token"));
    config.base_url = server.uri();
    let error = CloudApiClient::new(config)
        .unwrap()
        .message_templates("WABA1")
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("Unsupported get request"),
        "{error}"
    );
}

#[test]
fn campaign_bodies_validate_against_the_request_schema() {
    let list = example_list();
    let promo = record("2023_april_promo", list["data"][1]["components"].clone());
    let hello = record("hello_world", list["data"][0]["components"].clone());
    let rich = record(
        "rich",
        json!([
            {"type": "HEADER", "format": "IMAGE"},
            {"type": "BODY", "text": "Hi {{first_name}}, your code is {{code}}"},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Shop", "url": "https://shop.example/{{1}}"}]}
        ]),
    );
    let text_header = record(
        "text_header",
        json!([
            {"type": "HEADER", "format": "TEXT", "text": "Hello {{1}}"},
            {"type": "BODY", "text": "Order {{1}} ships {{2}}"}
        ]),
    );
    let values = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    };
    let bodies = [
        template_body(
            &promo,
            "15551234567",
            &values(&[("1", "Mark"), ("2", "FALL25")]),
        ),
        template_body(&hello, "15551234567", &BTreeMap::new()),
        template_body(
            &rich,
            "15551234567",
            &values(&[
                ("header.image", "https://example.com/a.png"),
                ("first_name", "Ana"),
                ("code", "X1"),
                ("button.0", "fall"),
            ]),
        ),
        template_body(
            &text_header,
            "15551234567",
            &values(&[("header.1", "Ana"), ("1", "ORD-1"), ("2", "today")]),
        ),
    ];
    for body in bodies {
        let json: Value = serde_json::from_str(&body).unwrap();
        let errors: Vec<String> = request_validator(spec())
            .iter_errors(&json)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{json}\n{}", errors.join("\n"));
    }
}
