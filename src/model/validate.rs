//! Field validation shared by every form: names, phones, money in fen, free text, tags.
//! Each check returns the cleaned value or a Chinese message naming the field.

use crate::error::{Error, Result};

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
    if let Some(c) = s.chars().find(|c| c.is_control() || c.is_ascii_digit() || "<>{}[]@#$%^*=|\\".contains(*c)) {
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
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(Error::validation(field, format!("{label}含有不可见的控制字符")));
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
    if n == 0 || n > 12 || s.chars().any(|c| c.is_control() || c == ',') {
        return Err(Error::validation(field, format!("标签“{s}”无效：应为1至12个字，且不含逗号")));
    }
    Ok(s.to_owned())
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
    fn tags() {
        assert_eq!(tag("tags", "独居老人").unwrap(), "elderly_alone");
        assert_eq!(tag("tags", "重点关注").unwrap(), "重点关注");
        assert!(tag("tags", "a,b").is_err());
    }
}
