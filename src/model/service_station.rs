//! 驿站 (红警驿站) and 警务助理: service stations in the villages where police assistants
//! collect residents' requests, which become errands carrying the station and the assistant
//! who took them. What the form sends, and the rules as pure functions over values.
//!
//! Named `service_station`: a station (派出所, `Station`) is the county's.
//!
//! - A station is open from `opened_on` and takes no request from `closed_on` on
//!   ([`check_open`]).
//! - A request taken at a station names the assistant who took it, a volunteer with the
//!   role 警务助理 of that station, serving on the day ([`check_intake`]).
//! - 一次不用跑 is not entered: the errand says how it was done. An errand done by proxy
//!   (代办) or at the resident's home (上门) and finished is one the resident never travelled
//!   for; one by appointment (预约) had them come to the post ([`no_trip`]).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::people::opt_date;
use crate::model::validate::{required, text};
use crate::model::{ErrandMode, ErrandStatus, VolunteerRole};

/// A service station, as the form sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ServiceStationInput {
    /// 驿站名称, e.g. 青山村红警驿站.
    #[schemars(title = "驿站名称")]
    pub name: String,
    /// 所在村（社区）.
    #[schemars(title = "所在村（社区）")]
    pub village_id: String,
    /// 地址.
    pub address: Option<String>,
    /// 开放时间及说明, e.g. 每周一、三、五 9:00-11:30.
    pub hours: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 启用日期 (default today).
    pub opened_on: Option<String>,
    /// 撤销日期: takes no request from this day on.
    pub closed_on: Option<String>,
}

/// A checked station input, its dates read.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedStation {
    /// 驿站名称.
    pub name: String,
    /// 所在村（社区）.
    pub village_id: String,
    /// 地址.
    pub address: Option<String>,
    /// 开放时间.
    pub hours: Option<String>,
    /// 备注.
    pub notes: Option<String>,
    /// 启用日期.
    pub opened_on: NaiveDate,
    /// 撤销日期.
    pub closed_on: Option<NaiveDate>,
}

impl ServiceStationInput {
    /// Checks and tidies every field; the opening date defaults to `today`.
    pub fn validate(self, today: NaiveDate) -> Result<CheckedStation> {
        let name = required("name", "驿站名称", &self.name, 40)?;
        let village_id = required("village_id", "所在村（社区）", &self.village_id, 64)?;
        let opened_on = opt_date("opened_on", "启用日期", self.opened_on.as_deref())?.unwrap_or(today);
        let closed_on = opt_date("closed_on", "撤销日期", self.closed_on.as_deref())?;
        if opened_on > today {
            return Err(Error::validation("opened_on", "启用日期不能晚于今天"));
        }
        if let Some(c) = closed_on
            && c < opened_on
        {
            return Err(Error::validation(
                "closed_on",
                format!("撤销日期不能早于启用日期（{}）", opened_on.format("%Y-%m-%d")),
            ));
        }
        Ok(CheckedStation {
            name,
            village_id,
            address: text("address", "地址", self.address.as_deref(), 200)?,
            hours: text("hours", "开放时间", self.hours.as_deref(), 200)?,
            notes: text("notes", "备注", self.notes.as_deref(), 2000)?,
            opened_on,
            closed_on,
        })
    }
}

/// A station as the intake rules read it.
#[derive(Debug, Clone, PartialEq)]
pub struct StationFacts {
    /// Row id.
    pub id: String,
    /// 驿站名称.
    pub name: String,
    /// 启用日期.
    pub opened_on: NaiveDate,
    /// 撤销日期.
    pub closed_on: Option<NaiveDate>,
}

/// A volunteer as the intake rules read them.
#[derive(Debug, Clone, PartialEq)]
pub struct AssistantFacts {
    /// 姓名.
    pub name: String,
    /// 身份.
    pub role: VolunteerRole,
    /// The station they serve.
    pub station_id: Option<String>,
    /// 起始日期.
    pub active_from: NaiveDate,
    /// 终止日期.
    pub active_to: Option<NaiveDate>,
}

/// Whether the station takes requests on `on`: opened by then and not yet closed.
pub fn check_open(station: &StationFacts, on: NaiveDate) -> Result<()> {
    if on < station.opened_on {
        return Err(Error::rule(format!(
            "驿站“{}”{}才启用，不能受理此前的代办",
            station.name,
            station.opened_on.format("%Y-%m-%d")
        )));
    }
    if let Some(closed) = station.closed_on
        && on >= closed
    {
        return Err(Error::rule(format!(
            "驿站“{}”已于{}撤销，不再受理新的代办",
            station.name,
            closed.format("%Y-%m-%d")
        )));
    }
    Ok(())
}

/// A request taken at `station` on `on` by `assistant`: the station is open that day, and
/// the assistant is one of its 警务助理 serving that day.
pub fn check_intake(station: &StationFacts, assistant: &AssistantFacts, on: NaiveDate) -> Result<()> {
    check_open(station, on)?;
    let who = &assistant.name;
    if assistant.role != VolunteerRole::PoliceAssistant {
        return Err(Error::validation(
            "assistant_id",
            format!("“{who}”的身份是{}，不是警务助理，不能在驿站受理代办", assistant.role.label()),
        ));
    }
    if assistant.station_id.as_deref() != Some(station.id.as_str()) {
        return Err(Error::validation("assistant_id", format!("“{who}”不是驿站“{}”的警务助理", station.name)));
    }
    let day = on.format("%Y-%m-%d");
    if on < assistant.active_from || assistant.active_to.is_some_and(|t| on > t) {
        return Err(Error::validation("assistant_id", format!("警务助理“{who}”{day}不在岗")));
    }
    Ok(())
}

/// A station and an assistant come together: a request collected at a station names who took
/// it, and an assistant takes requests only at a station.
pub fn check_pair(station_id: Option<&str>, assistant_id: Option<&str>) -> Result<()> {
    match (station_id, assistant_id) {
        (Some(_), None) => Err(Error::validation("assistant_id", "在驿站受理的代办须选择受理的警务助理")),
        (None, Some(_)) => Err(Error::validation("service_station_id", "选择了警务助理，请同时选择受理的驿站")),
        _ => Ok(()),
    }
}

/// A volunteer names a station only as its 警务助理, and a 警务助理 serves a station.
pub fn check_role_station(role: VolunteerRole, station_id: Option<&str>) -> Result<()> {
    match (role, station_id) {
        (VolunteerRole::PoliceAssistant, None) => {
            Err(Error::validation("service_station_id", "警务助理须选择所在驿站"))
        }
        (r, Some(_)) if r != VolunteerRole::PoliceAssistant => {
            Err(Error::validation("service_station_id", format!("只有警务助理才属于驿站，{}不能选择驿站", r.label())))
        }
        _ => Ok(()),
    }
}

/// 一次不用跑: finished, and done by proxy or at the resident's home, so the resident never
/// travelled to the post.
pub fn no_trip(mode: ErrandMode, status: ErrandStatus) -> bool {
    matches!(status, ErrandStatus::Done | ErrandStatus::Delivered) && mode != ErrandMode::Appointment
}

/// A station's figures for a month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StationFigures {
    /// The station.
    pub id: String,
    /// 驿站名称.
    pub name: String,
    /// 所在村（社区）.
    pub village_name: String,
    /// 警务助理 serving on the month's last day.
    pub assistants: i64,
    /// 收集诉求: requests collected in the month (errands taken at the station).
    pub requests: i64,
    /// 办结代办: its errands finished in the month.
    pub done: i64,
    /// 一次不用跑: of those finished, the ones the resident never travelled for.
    pub no_trip: i64,
}

/// One errand as the figures count it.
#[derive(Debug, Clone, PartialEq)]
pub struct StationErrand {
    /// The station it was taken at.
    pub station_id: String,
    /// 受理日期.
    pub requested_on: NaiveDate,
    /// 办结日期.
    pub done_on: Option<NaiveDate>,
    /// 代办方式.
    pub mode: ErrandMode,
    /// 状态.
    pub status: ErrandStatus,
}

/// Adds up the month `[lo, hi)` for each station in `stations` (in their order): requests
/// collected in it, errands finished in it and, of those, the ones with no trip.
pub fn figures(
    stations: Vec<StationFigures>,
    errands: &[StationErrand],
    lo: NaiveDate,
    hi: NaiveDate,
) -> Vec<StationFigures> {
    let within = |d: NaiveDate| d >= lo && d < hi;
    stations
        .into_iter()
        .map(|mut s| {
            for e in errands.iter().filter(|e| e.station_id == s.id) {
                if within(e.requested_on) {
                    s.requests += 1;
                }
                if e.done_on.is_some_and(within) && matches!(e.status, ErrandStatus::Done | ErrandStatus::Delivered) {
                    s.done += 1;
                    if no_trip(e.mode, e.status) {
                        s.no_trip += 1;
                    }
                }
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn station(closed: Option<&str>) -> StationFacts {
        StationFacts {
            id: "s1".into(),
            name: "青山村红警驿站".into(),
            opened_on: d("2026-03-01"),
            closed_on: closed.map(d),
        }
    }

    fn assistant(role: VolunteerRole, station: Option<&str>, to: Option<&str>) -> AssistantFacts {
        AssistantFacts {
            name: "林秀英".into(),
            role,
            station_id: station.map(Into::into),
            active_from: d("2026-03-01"),
            active_to: to.map(d),
        }
    }

    #[test]
    fn a_request_is_taken_by_a_serving_assistant_of_an_open_station() {
        use VolunteerRole as R;
        let cases: Vec<(StationFacts, AssistantFacts, &str, Option<&str>)> = vec![
            (station(None), assistant(R::PoliceAssistant, Some("s1"), None), "2026-11-20", None),
            (station(Some("2026-12-01")), assistant(R::PoliceAssistant, Some("s1"), None), "2026-11-30", None),
            (
                station(Some("2026-11-01")),
                assistant(R::PoliceAssistant, Some("s1"), None),
                "2026-11-20",
                Some("驿站“青山村红警驿站”已于2026-11-01撤销，不再受理新的代办"),
            ),
            (
                station(Some("2026-11-20")),
                assistant(R::PoliceAssistant, Some("s1"), None),
                "2026-11-20",
                Some("驿站“青山村红警驿站”已于2026-11-20撤销，不再受理新的代办"),
            ),
            (
                station(None),
                assistant(R::PoliceAssistant, Some("s1"), None),
                "2026-02-28",
                Some("驿站“青山村红警驿站”2026-03-01才启用，不能受理此前的代办"),
            ),
            (
                station(None),
                assistant(R::PoliceVolunteer, Some("s1"), None),
                "2026-11-20",
                Some("“林秀英”的身份是义警，不是警务助理，不能在驿站受理代办"),
            ),
            (
                station(None),
                assistant(R::PoliceAssistant, Some("s2"), None),
                "2026-11-20",
                Some("“林秀英”不是驿站“青山村红警驿站”的警务助理"),
            ),
            (
                station(None),
                assistant(R::PoliceAssistant, Some("s1"), Some("2026-11-19")),
                "2026-11-20",
                Some("警务助理“林秀英”2026-11-20不在岗"),
            ),
            (station(None), assistant(R::PoliceAssistant, Some("s1"), Some("2026-11-20")), "2026-11-20", None),
        ];
        for (s, a, on, want) in cases {
            let got = check_intake(&s, &a, d(on));
            match want {
                None => assert!(got.is_ok(), "{s:?} {a:?} {on}: {got:?}"),
                Some(msg) => assert_eq!(got.unwrap_err().to_string(), msg, "{s:?} {a:?} {on}"),
            }
        }
    }

    #[test]
    fn a_station_and_its_assistant_come_together() {
        assert!(check_pair(None, None).is_ok());
        assert!(check_pair(Some("s"), Some("a")).is_ok());
        assert_eq!(check_pair(Some("s"), None).unwrap_err().field(), Some("assistant_id"));
        assert_eq!(check_pair(None, Some("a")).unwrap_err().field(), Some("service_station_id"));
        use VolunteerRole as R;
        assert!(check_role_station(R::PoliceAssistant, Some("s")).is_ok());
        assert!(check_role_station(R::Patroller, None).is_ok());
        assert_eq!(check_role_station(R::PoliceAssistant, None).unwrap_err().to_string(), "警务助理须选择所在驿站");
        assert_eq!(
            check_role_station(R::Mediator, Some("s")).unwrap_err().to_string(),
            "只有警务助理才属于驿站，调解员不能选择驿站"
        );
    }

    #[test]
    fn no_trip_is_a_finished_errand_not_by_appointment() {
        use ErrandMode as M;
        use ErrandStatus as S;
        for mode in M::ALL {
            for status in S::ALL {
                let want = *mode != M::Appointment && matches!(status, S::Done | S::Delivered);
                assert_eq!(no_trip(*mode, *status), want, "{mode:?} {status:?}");
            }
        }
    }

    #[test]
    fn a_station_input_is_checked() {
        let today = d("2026-11-23");
        let ok = ServiceStationInput {
            name: " 青山村红警驿站 ".into(), village_id: "v".into(), ..Default::default()
        };
        let c = ok.clone().validate(today).unwrap();
        assert_eq!((c.name.as_str(), c.opened_on), ("青山村红警驿站", today));
        let cases = [
            (ServiceStationInput { name: " ".into(), ..ok.clone() }, "name"),
            (ServiceStationInput { village_id: "".into(), ..ok.clone() }, "village_id"),
            (ServiceStationInput { opened_on: Some("2026-11-24".into()), ..ok.clone() }, "opened_on"),
            (ServiceStationInput { opened_on: Some("2026-13-01".into()), ..ok.clone() }, "opened_on"),
            (
                ServiceStationInput {
                    opened_on: Some("2026-11-10".into()),
                    closed_on: Some("2026-11-09".into()),
                    ..ok.clone()
                },
                "closed_on",
            ),
        ];
        for (input, field) in cases {
            assert_eq!(input.clone().validate(today).unwrap_err().field(), Some(field), "{input:?}");
        }
    }

    #[test]
    fn the_months_figures_count_requests_done_and_no_trip() {
        use ErrandMode as M;
        use ErrandStatus as S;
        let e = |st: &str, req: &str, done: Option<&str>, mode, status| StationErrand {
            station_id: st.into(),
            requested_on: d(req),
            done_on: done.map(d),
            mode,
            status,
        };
        let errands = [
            e("a", "2026-11-02", Some("2026-11-05"), M::Proxy, S::Delivered),
            e("a", "2026-11-03", Some("2026-11-06"), M::Appointment, S::Done),
            e("a", "2026-10-28", Some("2026-11-02"), M::HomeVisit, S::Done),
            e("a", "2026-11-29", None, M::Proxy, S::Accepted),
            e("a", "2026-11-10", None, M::Proxy, S::Cancelled),
            e("a", "2026-11-20", Some("2026-12-01"), M::Proxy, S::Done),
            e("b", "2026-10-01", Some("2026-10-05"), M::Proxy, S::Done),
        ];
        let s = |id: &str| StationFigures { id: id.into(), name: id.into(), ..Default::default() };
        let got = figures(vec![s("a"), s("b")], &errands, d("2026-11-01"), d("2026-12-01"));
        let counts: Vec<_> = got.iter().map(|f| (f.id.as_str(), f.requests, f.done, f.no_trip)).collect();
        assert_eq!(counts, [("a", 5, 3, 2), ("b", 0, 0, 0)]);
    }
}
