//! Field validation shared by every form: names, phones, money in fen, free text, tags,
//! search text. Each check returns the cleaned value or a Chinese message naming the field.
//!
//! Invisible format characters ([`invisible`]) are refused in every name, text and tag: a
//! right-to-left override (U+202E) and its kin make a printed name or note read differently
//! from what is stored, and zero-width characters make two names that look the same differ.

use crate::error::{Error, Result};

/// Whether `c` is an invisible format or control character no name or note needs: C0/C1
/// controls, the bidirectional embeddings, overrides, isolates and marks (U+202A–U+202E,
/// U+2066–U+2069, U+200E/U+200F, U+061C), zero-width and invisible operators (U+200B–U+200D,
/// U+2060–U+2064, U+FEFF), the soft hyphen, deprecated format characters (U+206A–U+206F),
/// interlinear annotation marks (U+FFF9–U+FFFB), line and paragraph separators and tag
/// characters (U+E0000–U+E007F). Tab and line breaks are judged by each check.
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}')
}

/// The first invisible character of `s` (line breaks and tabs allowed when `multiline`), as
/// a message for `label`.
fn hidden(label: &str, s: &str, multiline: bool) -> Option<String> {
    let c = s.chars().find(|c| invisible(*c) && !(multiline && matches!(c, '\n' | '\t' | '\r')))?;
    Some(if c.is_control() {
        format!("{label}含有不可见的控制字符")
    } else {
        format!("{label}含有不可见的格式字符 U+{:04X}（如从右到左覆盖），打印出的文字会与保存的不同，请删去", c as u32)
    })
}

/// Text a search takes: at most [`SEARCH_MAX`] characters, nothing invisible.
pub fn search_text(field: &str, raw: &str) -> Result<String> {
    let s = raw.trim();
    let n = s.chars().count();
    if n > SEARCH_MAX {
        return Err(Error::validation(field, format!("查找内容过长（{n}个字），最多{SEARCH_MAX}个字")));
    }
    if let Some(m) = hidden("查找内容", s, false) {
        return Err(Error::validation(field, m));
    }
    Ok(s.to_owned())
}

/// The longest search: an address with its village and group is some 40 characters.
pub const SEARCH_MAX: usize = 100;

/// The most tags one resident or household carries.
pub const TAGS_MAX: usize = 20;

/// A person's name: 1–30 characters, no digits or control characters. Minority names may
/// carry the middle dot (·), which is normalised to U+00B7.
pub fn person_name(field: &str, label: &str, raw: &str) -> Result<String> {
    let s: String = raw.trim().replace(['•', '・', '．'], "·");
    if s.is_empty() {
        return Err(Error::validation(field, format!("{label}不能为空")));
    }
    let n = s.chars().count();
    if n > 30 {
        return Err(Error::validation(field, format!("{label}过长（{n}个字），最多30个字")));
    }
    if let Some(m) = hidden(label, &s, false) {
        return Err(Error::validation(field, m));
    }
    if let Some(c) = s.chars().find(|c| c.is_ascii_digit() || "<>{}[]@#$%^*=|\\".contains(*c)) {
        return Err(Error::validation(field, format!("{label}中不能含有字符“{}”", c.escape_default())));
    }
    Ok(s)
}

/// A phone number: an 11-digit mobile (1[3-9]…) or a landline with area code
/// (0xx-xxxxxxxx, optional extension). Spaces and dashes are tidied.
pub fn phone(field: &str, raw: &str) -> Result<String> {
    let s: String = raw.trim().chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.strip_prefix("+86").unwrap_or(&s).to_owned();
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::validation(field, format!("联系电话“{raw}”只能包含数字和连字符")));
    }
    let mobile = digits.len() == 11 && digits.starts_with('1') && matches!(digits.as_bytes()[1], b'3'..=b'9');
    let landline = digits.starts_with('0') && (10..=12).contains(&digits.len())
        || (s.starts_with('0') && s.contains('-') && (10..=17).contains(&digits.len()));
    if mobile {
        Ok(digits)
    } else if landline {
        Ok(s)
    } else if digits.len() == 11 && digits.starts_with('1') {
        Err(Error::validation(field, format!("手机号码“{raw}”的第二位应为3至9")))
    } else {
        Err(Error::validation(
            field,
            format!("联系电话“{raw}”格式不对：手机号应为11位，固定电话应带区号（如0577-12345678）"),
        ))
    }
}

/// Free text with an upper bound; blank becomes `None`.
pub fn text(field: &str, label: &str, raw: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(s) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let n = s.chars().count();
    if n > max {
        return Err(Error::validation(field, format!("{label}过长（{n}个字），最多{max}个字")));
    }
    if let Some(m) = hidden(label, s, true) {
        return Err(Error::validation(field, m));
    }
    Ok(Some(s.to_owned()))
}

/// Required free text.
pub fn required(field: &str, label: &str, raw: &str, max: usize) -> Result<String> {
    text(field, label, Some(raw), max)?.ok_or_else(|| Error::validation(field, format!("{label}不能为空")))
}

/// Money as the user types it in yuan (`1200`, `1,200.5`, `¥35.20`, `1200元`), in fen.
pub fn yuan_to_fen(field: &str, raw: &str) -> Result<i64> {
    let s: String = raw
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let bad = || Error::validation(field, format!("金额“{raw}”不是有效的数字，应为元，最多两位小数"));
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let yuan: i64 = int.parse().map_err(|_| bad())?;
    let frac = format!("{frac:0<2}");
    let fen: i64 = frac.parse().map_err(|_| bad())?;
    yuan.checked_mul(100).and_then(|y| y.checked_add(fen)).ok_or_else(bad)
}

/// A non-negative amount in fen.
pub fn fen(field: &str, label: &str, value: i64) -> Result<i64> {
    if value < 0 {
        return Err(Error::validation(field, format!("{label}不能为负数")));
    }
    if value > 100_000_000_000 {
        return Err(Error::validation(field, format!("{label}超过十亿元，请核对")));
    }
    Ok(value)
}

/// Fen shown as yuan: `123456` → `1,234.56`.
pub fn show_fen(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", fen % 100)
}

/// A tag: a known code or label, or a user-defined word of up to 12 characters.
pub fn tag(field: &str, raw: &str) -> Result<String> {
    let s = raw.trim();
    if let Some(k) = crate::model::KnownTag::parse(s) {
        return Ok(k.as_str().to_owned());
    }
    let n = s.chars().count();
    if n == 0 || n > 12 || s.chars().any(|c| invisible(c) || c == ',') {
        return Err(Error::validation(field, format!("标签“{s}”无效：应为1至12个字，且不含逗号或不可见字符")));
    }
    Ok(s.to_owned())
}

/// A list of tags: each checked by [`tag`], duplicates dropped, at most [`TAGS_MAX`].
pub fn tags(field: &str, raw: &[String]) -> Result<Vec<String>> {
    if raw.len() > TAGS_MAX * 4 {
        return Err(Error::validation(field, format!("标签过多（{} 个），最多 {TAGS_MAX} 个", raw.len())));
    }
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = tag(field, t)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > TAGS_MAX {
        return Err(Error::validation(field, format!("标签过多（{} 个），最多 {TAGS_MAX} 个", out.len())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(phone("phone", "138 0000 1234").unwrap(), "13800001234");
        assert_eq!(phone("phone", "+8613800001234").unwrap(), "13800001234");
        assert_eq!(phone("phone", "0577-63012345").unwrap(), "0577-63012345");
        let e = phone("phone", "12800001234").unwrap_err();
        assert!(e.to_string().contains("第二位应为3至9"));
        assert_eq!(e.field(), Some("phone"));
        assert!(phone("phone", "12345").is_err());
        assert!(phone("phone", "1380000abcd").is_err());
    }

    #[test]
    fn money_in_fen() {
        let cases = [("1200", 120_000), ("1,200.5", 120_050), ("¥35.20", 3520), ("8元", 800), ("0.07", 7)];
        for (s, f) in cases {
            assert_eq!(yuan_to_fen("amount_involved", s).unwrap(), f, "{s}");
        }
        for s in ["", "-3", "1.234", "abc", "1.2.3"] {
            assert!(yuan_to_fen("amount_involved", s).is_err(), "{s}");
        }
        assert_eq!(show_fen(123_456_789), "1,234,567.89");
        assert_eq!(show_fen(5), "0.05");
    }

    #[test]
    fn names() {
        assert_eq!(person_name("name", "姓名", " 王芳 ").unwrap(), "王芳");
        assert_eq!(person_name("name", "姓名", "买买提•艾力").unwrap(), "买买提·艾力");
        assert!(person_name("name", "姓名", "  ").unwrap_err().to_string().contains("姓名不能为空"));
        assert!(person_name("name", "姓名", "张三3").is_err());
        assert!(person_name("name", "姓名", "<script>").is_err());
    }

    #[test]
    fn invisible_format_characters_are_refused_in_names_notes_tags_and_searches() {
        for bad in ["王\u{202E}芳", "\u{2066}李娜\u{2069}", "张\u{200B}三", "赵\u{FEFF}六"] {
            let e = person_name("name", "姓名", bad).unwrap_err();
            assert_eq!(e.field(), Some("name"));
            assert!(e.to_string().contains("不可见的格式字符"), "{bad:?}: {e}");
            assert!(text("notes", "备注", Some(bad), 100).is_err(), "{bad:?}");
            assert!(tag("tags", bad).is_err(), "{bad:?}");
            assert!(search_text("text", bad).is_err(), "{bad:?}");
        }
        assert_eq!(text("notes", "备注", Some("第一行\n第二行\t完"), 100).unwrap().unwrap(), "第一行\n第二行\t完");
        assert_eq!(person_name("name", "姓名", "买买提·艾力").unwrap(), "买买提·艾力");
    }

    #[test]
    fn searches_and_tag_lists_are_bounded() {
        assert_eq!(search_text("text", " 青山村 ").unwrap(), "青山村");
        let long = "青".repeat(SEARCH_MAX + 1);
        assert!(search_text("text", &long).unwrap_err().to_string().contains("最多100个字"));
        let many: Vec<String> = (0..=TAGS_MAX).map(|i| format!("标签{i}")).collect();
        assert!(super::tags("tags", &many).unwrap_err().to_string().contains("最多 20 个"));
        let repeated = vec!["独居老人".to_owned(); 30];
        assert_eq!(super::tags("tags", &repeated).unwrap(), ["elderly_alone"]);
        let flood = vec!["独居老人".to_owned(); 200_000];
        assert!(super::tags("tags", &flood).is_err());
    }

    #[test]
    fn tags() {
        assert_eq!(tag("tags", "独居老人").unwrap(), "elderly_alone");
        assert_eq!(tag("tags", "重点关注").unwrap(), "重点关注");
        assert!(tag("tags", "a,b").is_err());
    }
}
