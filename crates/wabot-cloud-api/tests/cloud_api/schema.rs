//! The request schema of `POST /{Version}/{Phone-Number-ID}/messages` from Meta's spec, with the
//! spec's known defects patched here (never in the vendored file).

use std::path::Path;
use std::sync::OnceLock;

use serde_json::{Value, json};

/// Meta's OpenAPI description, as vendored (found from this crate's or a sibling crate's tests:
/// the end-to-end suite includes this file too).
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../wabot-cloud-api/tests/data/meta-openapi/business-messaging-api_v23.0.yaml");
        let text = std::fs::read_to_string(path).unwrap();
        serde_norway::from_str(&text).unwrap()
    })
}

/// The request schema, with the spec's known defects patched (here, not in the file):
/// `additionalProperties: false` inside `allOf` branches (which refuses the base properties) becomes
/// `unevaluatedProperties: false` on the composite, and `biz_opaque_callback_data`, documented by
/// Meta, is added to the base properties; `language.policy`, which Meta's own template examples
/// leave out (its one value, "deterministic", is the default), is no longer required; and a location's
/// latitude and longitude, typed as strings but numbers in Meta's own example, may be either; a
/// template button's `index` may be "0" to "9".
pub fn request_validator(spec: &Value) -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let mut components = spec["components"].clone();
        patch_all_of(&mut components);
        components["schemas"]["BaseMessageProperties"]["properties"]["biz_opaque_callback_data"] =
            json!({"type": "string", "maxLength": 512});
        let location = &mut components["schemas"]["LocationMessage"]["allOf"][1]["properties"]["location"]["properties"];
        for axis in ["latitude", "longitude"] {
            location[axis]["type"] = json!(["string", "number"]);
        }
        // A button's `index` is "0" to "9" (Meta's own example uses "0"); the spec's pattern,
        // `^[2-6, 11-14]$`, is a character class that refuses "0".
        components["schemas"]["TemplateComponent"]["properties"]["index"]["pattern"] =
            json!("^[0-9]$");
        let language = &mut components["schemas"]["LanguageObject"];
        if let Some(required) = language.get_mut("required").and_then(Value::as_array_mut) {
            required.retain(|name| name != "policy");
        }
        let schema = json!({"$ref": "#/components/schemas/Message", "components": components});
        jsonschema::draft202012::new(&schema).unwrap()
    })
}

fn patch_all_of(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(branches)) = object.get_mut("allOf") {
                let mut closed = false;
                for branch in branches.iter_mut() {
                    if branch.get("additionalProperties") == Some(&Value::Bool(false)) {
                        branch
                            .as_object_mut()
                            .unwrap()
                            .remove("additionalProperties");
                        closed = true;
                    }
                }
                if closed {
                    object.insert("unevaluatedProperties".into(), Value::Bool(false));
                }
            }
            object.values_mut().for_each(patch_all_of);
        }
        Value::Array(items) => items.iter_mut().for_each(patch_all_of),
        _ => {}
    }
}
