//! Schemas of the wire types that serde writes by hand, for the server's OpenAPI document: the
//! derived ones would describe the Rust type, not what is on the wire.

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::cart::CuisineType;
use crate::menu::PriceInput;
use crate::money::Money;

impl PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::Number))
            .multiple_of(Some(0.01))
            .description(Some("元，最多两位小数（精确到分），在 JSON 中是数字：38.00"))
            .examples([serde_json::json!(38.00)])
            .into()
    }
}

impl ToSchema for Money {
    fn name() -> Cow<'static, str> {
        "Money".into()
    }
}

impl PartialSchema for CuisineType {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::Integer))
            .enum_values(Some([1, 2]))
            .description(Some("1 = 单品, 2 = 套餐"))
            .into()
    }
}

impl ToSchema for CuisineType {
    fn name() -> Cow<'static, str> {
        "CuisineType".into()
    }
}

impl PartialSchema for PriceInput {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::Number, Type::String]))
            .description(Some(
                "价格（元）：数字或文本，大于 0，至多 99999.99，最多两位小数：\"38.5\" 或 38.5",
            ))
            .examples([serde_json::json!("38.50")])
            .into()
    }
}

impl ToSchema for PriceInput {
    fn name() -> Cow<'static, str> {
        "PriceInput".into()
    }
}
