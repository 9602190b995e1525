//! Bounds on every call's parameters, checked in [`super::Api::call`] before a method (or
//! the audit log) sees them: no string, list or nesting larger than any form needs, and no
//! invisible format character ([`crate::model::validate::invisible`]) in any text. Each
//! method's own checks (`model::validate`) are tighter; these hold for every method,
//! including the ones added later, and for fields no check looks at.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::validate::invisible;

/// The longest text any parameter may be, in characters (an agreement's terms are a few
/// thousand).
pub const MAX_TEXT: usize = 20_000;
/// The most items in any list (parties, mediators, tags…).
pub const MAX_ITEMS: usize = 500;
/// The deepest nesting of objects and lists.
pub const MAX_DEPTH: usize = 6;
/// The most characters in all of a call's texts together.
pub const MAX_TOTAL: usize = 200_000;

/// Fields never displayed or printed, whose characters their own rules judge.
const SECRET: &[&str] = &["password", "old_password", "new_password"];

/// Refuses parameters beyond the bounds, naming the field (`parties[0].name`).
pub fn check(params: &Value) -> Result<()> {
    let mut total = 0;
    walk(params, "", "", 0, &mut total)
}

fn walk(v: &Value, path: &str, key: &str, depth: usize, total: &mut usize) -> Result<()> {
    let field = || if path.is_empty() { ".".to_owned() } else { path.to_owned() };
    if depth > MAX_DEPTH {
        return Err(Error::validation(field(), format!("参数“{}”嵌套过深", field())));
    }
    match v {
        Value::String(s) => {
            let n = s.chars().count();
            if n > MAX_TEXT {
                return Err(Error::validation(
                    field(),
                    format!("参数“{}”过长（{n}个字），最多{MAX_TEXT}个字", field()),
                ));
            }
            *total += n;
            if *total > MAX_TOTAL {
                return Err(Error::validation(field(), format!("请求的文字总量超过{MAX_TOTAL}个字")));
            }
            if !SECRET.contains(&key)
                && let Some(c) = s.chars().find(|c| invisible(*c) && !matches!(c, '\n' | '\t' | '\r'))
            {
                return Err(Error::validation(
                    field(),
                    format!(
                        "参数“{}”含有不可见的字符 U+{:04X}（如从右到左覆盖），打印出的文字会与保存的不同，请删去",
                        field(),
                        c as u32
                    ),
                ));
            }
        }
        Value::Array(items) => {
            if items.len() > MAX_ITEMS {
                return Err(Error::validation(
                    field(),
                    format!("参数“{}”的条目过多（{} 条），最多{MAX_ITEMS}条", field(), items.len()),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), key, depth + 1, total)?;
            }
        }
        Value::Object(map) => {
            if map.len() > MAX_ITEMS {
                return Err(Error::validation(field(), format!("参数“{}”的字段过多", field())));
            }
            for (k, item) in map {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(item, &p, k, depth + 1, total)?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(v: Value) -> (String, String) {
        match check(&v) {
            Err(Error::Validation { field, message }) => (field, message),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn every_parameter_is_bounded_and_named() {
        assert!(check(&json!({"name": "王芳", "notes": "第一行\n第二行", "tags": ["独居老人"]})).is_ok());
        let (f, m) = field(json!({"text": "李".repeat(MAX_TEXT + 1)}));
        assert_eq!(f, "text");
        assert!(m.contains("过长"), "{m}");
        let (f, _) = field(json!({"tags": vec!["a"; MAX_ITEMS + 1]}));
        assert_eq!(f, "tags");
        let (f, m) = field(json!({"parties": [{"name": "张三"}, {"name": "李\u{202E}四"}]}));
        assert_eq!(f, "parties[1].name");
        assert!(m.contains("U+202E"), "{m}");
        let (_, m) = field(json!({ "a": vec!["x".repeat(MAX_TEXT); 11] }));
        assert!(m.contains("总量"), "{m}");
        let deep = (0..10).fold(json!("x"), |v, _| json!([v]));
        assert!(check(&json!({ "d": deep })).is_err());
        // A password is judged by the password rules, not here.
        assert!(check(&json!({"login": "zhou", "password": "Abc\u{200B}12345"})).is_ok());
    }
}
