//! 五无 (无案, 无诈, 无毒, 无访, 无邪): what the year's incidents say of a village, and
//! what an officer may confirm.

use schemars::JsonSchema;
use serde::Serialize;

use crate::error::{Error, Result};

/// What the data says of a village's year, for 五无: `None` where the data cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FiveNones {
    /// 无案: no incident opened as a case.
    pub no_cases: Option<bool>,
    /// 无诈: no fraud incident.
    pub no_fraud: Option<bool>,
    /// 无毒: no drug incident.
    pub no_drugs: Option<bool>,
    /// 无访: no petition (not recorded here: the officer confirms).
    pub no_petitions: Option<bool>,
    /// 无邪: no cult activity (not recorded here: the officer confirms).
    pub no_cults: Option<bool>,
}

/// Derives 五无 from the year's counts of cases, fraud and drug incidents in a village.
pub fn derive_five_nones(cases: i64, fraud: i64, drugs: i64) -> FiveNones {
    FiveNones {
        no_cases: Some(cases == 0),
        no_fraud: Some(fraud == 0),
        no_drugs: Some(drugs == 0),
        no_petitions: None,
        no_cults: None,
    }
}

/// A 五无 year is from 2000 to this year.
pub fn check_five_nones_year(year: i32, this_year: i32) -> Result<()> {
    if year < 2000 || year > this_year {
        return Err(Error::validation("year", format!("年度{year}无效")));
    }
    Ok(())
}

/// An officer may not confirm what the year's counts (cases, fraud, drugs) contradict.
pub fn check_five_nones(year: i32, claimed: &FiveNones, counts: (i64, i64, i64)) -> Result<()> {
    let (cases, fraud, drugs) = counts;
    for (field, label, claim, n) in [
        ("no_cases", "无案", claimed.no_cases, cases),
        ("no_fraud", "无诈", claimed.no_fraud, fraud),
        ("no_drugs", "无毒", claimed.no_drugs, drugs),
    ] {
        if claim == Some(true) && n > 0 {
            return Err(Error::validation(field, format!("{year}年该村有{n}起相关警情，不能确认为“{label}”")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_nones_come_from_the_counts_where_the_data_can_tell() {
        let f = derive_five_nones(0, 1, 0);
        assert_eq!(f.no_cases, Some(true));
        assert_eq!(f.no_fraud, Some(false));
        assert_eq!(f.no_drugs, Some(true));
        assert_eq!((f.no_petitions, f.no_cults), (None, None));
    }

    #[test]
    fn a_confirmation_the_counts_contradict_is_refused() {
        let all = FiveNones {
            no_cases: Some(true),
            no_fraud: Some(true),
            no_drugs: Some(true),
            no_petitions: Some(true),
            no_cults: Some(true),
        };
        assert!(check_five_nones(2026, &all, (0, 0, 0)).is_ok());
        let e = check_five_nones(2026, &all, (0, 2, 0)).unwrap_err();
        assert_eq!(
            (e.field(), e.to_string().as_str()),
            (Some("no_fraud"), "2026年该村有2起相关警情，不能确认为“无诈”")
        );
        let no_claim = FiveNones { no_fraud: Some(false), ..all };
        assert!(check_five_nones(2026, &no_claim, (0, 2, 0)).is_ok());
        assert!(check_five_nones_year(2026, 2026).is_ok());
        assert!(check_five_nones_year(2027, 2026).is_err());
        assert!(check_five_nones_year(1999, 2026).is_err());
    }
}
