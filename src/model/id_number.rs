//! Citizen ID numbers (公民身份号码, GB 11643): checksum, 15→18 conversion, and the birth
//! date and sex they carry.

use chrono::NaiveDate;

use crate::model::Sex;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The first two digits of every address code in use (GB/T 2260 provinces, autonomous regions
/// and municipalities; 71 Taiwan, 81 Hong Kong, 82 Macao, and 83 for Taiwan residents' permits).
/// Finer codes change year by year and old ones stay on the cards issued under them, so only
/// the province is checked.
const PROVINCES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
];

/// A valid 18-character citizen ID number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// Why a string is not a valid ID number; [`IdError::message`] says it in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// Neither 15 nor 18 characters.
    Length(usize),
    /// A character other than a digit (or a final X).
    Character(char),
    /// The address code's first two digits are no province's.
    Region(String),
    /// The embedded birth date does not exist or lies in the future.
    BirthDate(String),
    /// The check character does not match.
    Checksum {
        /// The check character the first 17 digits call for.
        expected: char,
        /// The one given.
        found: char,
    },
}

impl IdError {
    /// The Chinese message shown to the user.
    pub fn message(&self) -> String {
        match self {
            IdError::Length(n) => {
                format!("公民身份号码应为18位（或旧式15位），输入的是{n}位")
            }
            IdError::Character(c) => {
                format!("公民身份号码只能由数字和末位的X组成，不能含有“{c}”")
            }
            IdError::Region(r) => {
                format!("公民身份号码的地址码“{r}”不存在：前两位应为省、自治区、直辖市的代码，请核对号码")
            }
            IdError::BirthDate(d) => format!("公民身份号码中的出生日期“{d}”不是有效日期"),
            IdError::Checksum { expected, found } => {
                format!("公民身份号码校验位错误：末位应为“{expected}”，输入的是“{found}”，请核对号码")
            }
        }
    }
}

/// The check character for the first 17 digits (ISO 7064 MOD 11-2).
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    (first17.chars().count() == 17).then(|| CHECK[(sum % 11) as usize])
}

impl IdNumber {
    /// Parses an 18-character number, or converts a legacy 15-digit one, checking the birth
    /// date against `today` (a birth date in the future is refused).
    pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, IdError> {
        let s: String = input.trim().to_uppercase();
        let n = s.chars().count();
        if n != 18 && n != 15 {
            return Err(IdError::Length(n));
        }
        for (i, c) in s.chars().enumerate() {
            let last_x = n == 18 && i == 17 && c == 'X';
            if !c.is_ascii_digit() && !last_x {
                return Err(IdError::Character(c));
            }
        }
        if !PROVINCES.contains(&&s[..2]) {
            return Err(IdError::Region(s[..6].to_owned()));
        }
        let full = if n == 15 {
            let first17 = format!("{}19{}", &s[..6], &s[6..]);
            let check = check_char(&first17).ok_or(IdError::Length(n))?;
            format!("{first17}{check}")
        } else {
            s
        };
        let birth = &full[6..14];
        match NaiveDate::parse_from_str(birth, "%Y%m%d") {
            Ok(d) if d <= today && d.year_ce().1 >= 1880 => {}
            _ => return Err(IdError::BirthDate(birth.to_owned())),
        }
        let expected = check_char(&full[..17]).ok_or(IdError::Length(18))?;
        let found = full.chars().nth(17).unwrap_or(' ');
        if expected != found {
            return Err(IdError::Checksum { expected, found });
        }
        Ok(IdNumber(full))
    }

    /// The 18-character number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative division code of the place of first registration.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    /// The birth date it carries.
    pub fn birth_date(&self) -> NaiveDate {
        // Checked in `parse`.
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or_default()
    }

    /// The sex it carries: an odd sequence digit is male, an even one female.
    pub fn sex(&self) -> Sex {
        let d = self.0.as_bytes()[16] - b'0';
        if d % 2 == 1 { Sex::Male } else { Sex::Female }
    }
}

use chrono::Datelike;

/// Builds a valid ID number from its parts (for demo data and tests).
pub fn compose(region: &str, birth: NaiveDate, seq: u16, sex: Sex) -> String {
    let mut seq = seq % 1000;
    let odd = seq % 2 == 1;
    if odd != (sex == Sex::Male) {
        seq = if seq == 999 { 998 } else { seq + 1 };
        if seq % 2 == 1 && sex != Sex::Male {
            seq -= 1;
        }
    }
    let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
    let check = check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn the_standard_example_is_valid_and_female() {
        let id = IdNumber::parse("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.region_code(), "110105");
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        let cases = [
            ("110105194912310021", "末位应为“X”，输入的是“1”"),
            ("1101051949123100", "输入的是16位"),
            ("11010519491231002Y", "不能含有“Y”"),
            ("110105194913310020", "出生日期“19491331”"),
            ("110105209912310024", "出生日期“20991231”"),
            ("990105194912310028", "地址码“990105”不存在"),
            ("000000194912310020", "地址码“000000”不存在"),
            ("990105491231002", "地址码“990105”不存在"),
        ];
        for (input, needle) in cases {
            let err = IdNumber::parse(input, today()).unwrap_err().message();
            assert!(err.contains(needle), "{input}: {err}");
        }
    }

    #[test]
    fn a_legacy_15_digit_number_converts() {
        // 15-digit form of 110105 491231 002 → 110105 19491231 002 X
        let id = IdNumber::parse("110105491231002", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    proptest! {
        #[test]
        fn composed_numbers_parse_back(days in 0i64..40000, seq in 0u16..1000, male: bool) {
            let birth = NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + chrono::Duration::days(days);
            prop_assume!(birth <= today());
            let sex = if male { Sex::Male } else { Sex::Female };
            let s = compose("330326", birth, seq, sex);
            let id = IdNumber::parse(&s, today()).unwrap();
            prop_assert_eq!(id.birth_date(), birth);
            prop_assert_eq!(id.sex(), sex);
        }

        #[test]
        fn any_single_digit_change_is_caught(days in 0i64..30000, seq in 0u16..1000, pos in 0usize..17, delta in 1u8..10) {
            let birth = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Duration::days(days);
            let s = compose("330326", birth, seq, Sex::Male);
            let mut bytes = s.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&changed, today()).is_err());
        }
    }
}
