//! Reading a method's JSON parameters into its request type, and saying what is wrong with
//! them in the officer's words.
//!
//! serde's complaints name a parameter and a type ("invalid type: null, expected a string");
//! the officer left a box empty. Each request field carries its Chinese label as the JSON
//! Schema `title` (`#[schemars(title = "纠纷名称")]`), the same schema `call --list` shows, so
//! a required field left out or empty reads 请填写纠纷名称, under the field it names. A test
//! below keeps every required field of every method labelled.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::error::{Error, Result};

/// Writes a request type with the derives and checks every request carries (an unknown
/// field is refused; in TypeScript an optional field may be null): its own fields as
/// given, then the fields in the leading braces, a group several requests share. Used
/// through [`paged_request`] and [`output_request`].
macro_rules! request_with {
    ({ $($shared:tt)* } $(#[$attr:meta])* pub struct $name:ident { $($own:tt)* }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($own)*
            $($shared)*
        }
    };
}
pub(crate) use request_with;

/// A county list's request: its own fields, then the page it asks for (`page`,
/// `page_size`, as [`super::county::Page::of`] reads them).
macro_rules! paged_request {
    ($($item:tt)*) => {
        $crate::api::params::request_with! {
            {
                /// 页码，从 1 开始.
                #[serde(default)]
                pub page: Option<u32>,
                /// 每页条数（默认 50）.
                #[serde(default)]
                pub page_size: Option<u32>,
            }
            $($item)*
        }
    };
}
pub(crate) use paged_request;

/// The request of a method that writes a file: its own fields (the file among them), then
/// whether an existing file may be replaced.
macro_rules! output_request {
    ($($item:tt)*) => {
        $crate::api::params::request_with! {
            {
                /// 已有同名文件时替换它（界面的保存对话框已向用户确认过；命令行为 --overwrite）.
                #[serde(default)]
                #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
                pub overwrite: bool,
            }
            $($item)*
        }
    };
}
pub(crate) use output_request;

/// One step into the parameters: a field, or an item of a list.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Item(usize),
}

/// The path as the UI names form fields: `parties[0].name`.
fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Step::Field(f) if out.is_empty() => out.push_str(f),
            Step::Field(f) => {
                out.push('.');
                out.push_str(f);
            }
            Step::Item(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Reads parameters as `T`. A refusal is a validation error naming the field (`parties[0].name`)
/// with a message in Chinese that uses the field's label from `T`'s schema.
pub(crate) fn from_json<T: DeserializeOwned + schemars::JsonSchema>(json: Value) -> Result<T> {
    serde_path_to_error::deserialize(json).map_err(|e| {
        let mut path: Vec<Step> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(Step::Item(*index)),
                Segment::Map { key } => Some(Step::Field(key.clone())),
                Segment::Enum { .. } | Segment::Unknown => None,
            })
            .collect();
        let complaint = Complaint::read(&e.into_inner().to_string());
        if let Complaint::Missing(f) = &complaint {
            path.push(Step::Field(f.clone()));
        }
        let label = label(&super::schema_of::<T>(), &path);
        let field = path_text(&path);
        Error::Validation { message: complaint.message(label.as_ref(), &field), field }
    })
}

/// What serde found wrong, read from its message.
#[derive(Debug, PartialEq)]
enum Complaint {
    /// A required field is not there.
    Missing(String),
    /// A required field is there but empty (null).
    Empty,
    /// A field the method does not take.
    Unknown(String),
    /// A value that is not one of an enum's codes.
    NotAnOption { value: String, options: String },
    /// A value of the wrong kind (text for a number, say).
    WrongType { want: String },
    /// Anything else, as serde said it.
    Other(String),
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

impl Complaint {
    fn read(msg: &str) -> Complaint {
        let quoted = |prefix: &str| msg.strip_prefix(prefix).and_then(|s| s.split('`').next()).map(str::to_owned);
        if let Some(f) = quoted("missing field `") {
            return Complaint::Missing(f);
        }
        if let Some(f) = quoted("unknown field `") {
            return Complaint::Unknown(f);
        }
        if let Some(value) = quoted("unknown variant `") {
            let options = msg.split("expected ").nth(1).unwrap_or("").replace('`', "");
            return Complaint::NotAnOption { value, options };
        }
        if let Some(got) = between(msg, "invalid type: ", ", expected") {
            if got == "null" {
                return Complaint::Empty;
            }
            let want = match msg.split("expected ").nth(1).unwrap_or("") {
                w if w.contains("string") => "文字",
                w if w.contains("integer") || w.contains("i64") || w.contains("u32") => "整数",
                w if w.contains("bool") => "“是”或“否”",
                w if w.contains("sequence") => "列表",
                w => w,
            };
            return Complaint::WrongType { want: want.to_owned() };
        }
        Complaint::Other(msg.to_owned())
    }

    /// The message: in the label's words where the schema gives one, else naming the parameter.
    fn message(&self, label: Option<&Label>, field: &str) -> String {
        let name = label.map_or_else(|| format!("参数“{field}”"), |l| l.title.clone());
        match self {
            Complaint::Missing(_) | Complaint::Empty if label.is_some_and(|l| l.picked) => format!("请选择{name}"),
            Complaint::Missing(_) | Complaint::Empty => format!("请填写{name}"),
            Complaint::Unknown(f) => format!("没有名为“{f}”的参数"),
            Complaint::NotAnOption { value, options } => format!("{name}“{value}”不是可选值之一（可选：{options}）"),
            Complaint::WrongType { want } => format!("{name}应为{want}"),
            Complaint::Other(msg) => format!("{name}有误：{msg}"),
        }
    }
}

/// The schema `v` stands for: its `$ref` followed, and of an `anyOf` (an `Option`) the branch
/// that is not `null`.
fn resolve<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    if let Some(name) = v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        return root.pointer(&format!("/$defs/{name}")).map_or(v, |d| resolve(root, d));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(branch) = v
            .get(key)
            .and_then(Value::as_array)
            .and_then(|bs| bs.iter().find(|b| b.get("type").and_then(Value::as_str) != Some("null")))
        {
            return resolve(root, branch);
        }
    }
    v
}

/// What a field is called, and whether it is picked (from a list, a choice, another record)
/// rather than typed: 请选择 or 请填写.
#[derive(Debug, PartialEq)]
struct Label {
    title: String,
    picked: bool,
}

/// The label (`title`) of the field at `path` in the schema `root`.
fn label(root: &Value, path: &[Step]) -> Option<Label> {
    let mut at = root;
    let mut title = None;
    let mut name = "";
    for step in path {
        let here = resolve(root, at);
        match step {
            Step::Field(f) => {
                at = here.get("properties").and_then(|p| p.get(f))?;
                title = at.get("title").and_then(Value::as_str);
                name = f;
            }
            Step::Item(_) => at = here.get("items")?,
        }
    }
    let picked = name.ends_with("_id") || choice(root, at);
    title.map(|t| Label { title: t.to_owned(), picked })
}

/// Whether the schema `v` is a choice among given values: an enum (or an `Option` of one),
/// or yes/no.
fn choice(root: &Value, v: &Value) -> bool {
    if let Some(name) = v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        return root.pointer(&format!("/$defs/{name}")).is_some_and(|d| choice(root, d));
    }
    let yes_no =
        |t: &Value| t.as_str() == Some("boolean") || t.as_array().is_some_and(|ts| ts.contains(&"boolean".into()));
    v.get("enum").is_some()
        || v.get("oneOf").is_some()
        || v.get("type").is_some_and(yes_no)
        || v.get("anyOf").and_then(Value::as_array).is_some_and(|bs| bs.iter().any(|b| choice(root, b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Api;

    #[derive(serde::Deserialize, schemars::JsonSchema, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Party {
        #[schemars(title = "姓名")]
        name: String,
        #[schemars(title = "性别")]
        sex: Option<crate::model::Sex>,
        #[schemars(title = "身份")]
        role: crate::model::PartyRole,
    }

    #[derive(serde::Deserialize, schemars::JsonSchema, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct P {
        #[schemars(title = "纠纷名称")]
        title: String,
        n: Option<i64>,
        #[serde(default)]
        parties: Vec<Party>,
    }

    fn refusal(json: Value) -> (String, String) {
        let e = from_json::<P>(json).unwrap_err();
        (e.field().unwrap_or_default().to_owned(), e.to_string())
    }

    #[test]
    fn a_required_field_left_out_or_empty_asks_for_it_by_its_label() {
        use serde_json::json;
        assert_eq!(refusal(json!({})), ("title".into(), "请填写纠纷名称".into()));
        assert_eq!(refusal(json!({"title": null})), ("title".into(), "请填写纠纷名称".into()));
        assert_eq!(
            refusal(json!({"title": "x", "parties": [{"name": "王芳", "role": "applicant"}, {"role": "respondent"}]})),
            ("parties[1].name".into(), "请填写姓名".into())
        );
        assert_eq!(
            refusal(json!({"title": "x", "parties": [{"name": null, "role": "applicant"}]})),
            ("parties[0].name".into(), "请填写姓名".into())
        );
        // What is picked from a list is asked for as such.
        assert_eq!(
            refusal(json!({"title": "x", "parties": [{"name": "王芳", "role": null}]})),
            ("parties[0].role".into(), "请选择身份".into())
        );
    }

    #[test]
    fn other_complaints_name_the_field_by_label_where_it_has_one() {
        use serde_json::json;
        let (field, msg) =
            refusal(json!({"title": "x", "parties": [{"name": "王芳", "role": "applicant", "sex": "m"}]}));
        assert_eq!(field, "parties[0].sex");
        assert!(msg.starts_with("性别“m”不是可选值之一"), "{msg}");
        let (field, msg) = refusal(json!({"title": 3}));
        assert_eq!((field.as_str(), msg.as_str()), ("title", "纠纷名称应为文字"));
        // A field without a label (scripts only) is named by its parameter.
        assert!(refusal(json!({"title": "x", "n": "三"})).1.starts_with("参数“n”应为整数"));
        assert_eq!(refusal(json!({"title": "x", "age": 3})).1, "没有名为“age”的参数");
        let ok = from_json::<P>(json!({"title": "x", "parties": [{"name": "王芳", "role": "申请人", "sex": "女"}]}))
            .unwrap();
        assert_eq!(ok.parties[0].sex, Some(crate::model::Sex::Female));
    }

    /// The fields a schema requires, with their labels, through every nested type.
    fn required_fields(root: &Value) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        let mut objects: Vec<(String, &Value)> = vec![("".into(), root)];
        if let Some(defs) = root.get("$defs").and_then(Value::as_object) {
            objects.extend(defs.iter().map(|(k, v)| (k.clone(), v)));
        }
        for (name, o) in objects {
            let props = o.get("properties");
            for f in o.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                let title = props.and_then(|p| p.get(f)).and_then(|p| p.get("title")).and_then(Value::as_str);
                out.push((format!("{name}.{f}"), title.map(str::to_owned)));
            }
        }
        out
    }

    #[test]
    fn every_required_field_of_every_method_has_a_chinese_label() {
        let unlabelled: Vec<String> = Api::methods()
            .iter()
            .flat_map(|m| {
                required_fields(&m.params)
                    .into_iter()
                    .filter(|(_, t)| {
                        !t.as_deref().is_some_and(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)))
                    })
                    .map(move |(f, _)| format!("{} {f}", m.name))
            })
            .collect();
        assert!(unlabelled.is_empty(), "required fields without a Chinese title: {unlabelled:#?}");
    }

    #[test]
    fn an_update_requires_only_the_record_it_changes() {
        for m in Api::methods().iter().filter(|m| m.name.ends_with(".update") || m.name == "agreement.save") {
            let required: Vec<&str> =
                m.params["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            assert!(required == ["id"] || required == ["dispute_id"], "{}: {required:?}", m.name);
        }
    }
}
