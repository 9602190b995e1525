//! The closed vocabularies of the work. Each enum has a snake_case code (the GLOSSARY
//! identifier, used in storage, the api and sync) and a Chinese label (what the user sees).

/// Declares a string enum with its code and Chinese label for every variant.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident, $zh_name:literal { $($var:ident = $code:literal / $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name {
            $(#[doc = $zh] #[serde(rename = $code, alias = $zh)] $var),+
        }

        impl $name {
            /// Every variant, in display order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// What the field is called in Chinese, for messages.
            pub const FIELD_LABEL: &'static str = $zh_name;

            /// The stored code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $code),+ }
            }

            /// The Chinese label.
            pub fn label(self) -> &'static str {
                match self { $($name::$var => $zh),+ }
            }

            /// Reads a code or a Chinese label.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                $(if s == $code || s == $zh { return Some($name::$var); })+
                None
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

str_enum!(
    /// 性别.
    Sex, "性别" { Male = "male" / "男", Female = "female" / "女" }
);

str_enum!(
    /// 居住状态: residence status.
    Residence, "居住状态" {
        Permanent = "permanent" / "常住",
        Temporary = "temporary" / "暂住",
        Floating = "floating" / "流动人口",
        Away = "away" / "外出",
    }
);

str_enum!(
    /// 与户主关系.
    Relation, "与户主关系" {
        Head = "head" / "户主",
        Spouse = "spouse" / "配偶",
        Child = "child" / "子女",
        ChildInLaw = "child_in_law" / "儿媳/女婿",
        Grandchild = "grandchild" / "孙子女",
        Parent = "parent" / "父母",
        Grandparent = "grandparent" / "祖父母",
        Sibling = "sibling" / "兄弟姐妹",
        Other = "other" / "其他",
    }
);

str_enum!(
    /// Officer roles at a post.
    Role, "角色" {
        Officer = "officer" / "民警",
        Auxiliary = "auxiliary" / "辅警",
        StationAdmin = "station_admin" / "所长/管理员",
    }
);

str_enum!(
    /// County logins' roles at HQ (the county console). What each may do is in
    /// `api::county::permission`; a station leader sees only the posts of one 派出所.
    CountyRole, "县局账号角色" {
        CountyAdmin = "county_admin" / "县局管理员",
        Supervisor = "supervisor" / "县局督办",
        StationLeader = "station_leader" / "派出所负责人",
        Viewer = "viewer" / "统计查看",
    }
);

str_enum!(
    /// 纠纷类型: the county statistics categories.
    DisputeKind, "纠纷类型" {
        Family = "family" / "婚姻家庭继承",
        Neighbour = "neighbour" / "邻里",
        Homestead = "homestead" / "房屋宅基地",
        Damages = "damages" / "损害赔偿",
        Contract = "contract" / "合同",
        Land = "land" / "山林土地承包经营权",
        Expropriation = "expropriation" / "征地拆迁",
        Labour = "labour" / "劳动争议",
        VillageAffairs = "village_affairs" / "村务管理",
        Environment = "environment" / "环境保护",
        Traffic = "traffic" / "交通事故",
        Medical = "medical" / "医患",
        PropertyMgmt = "property_mgmt" / "物业",
        Other = "other" / "其他",
    }
);

str_enum!(
    /// 来源: how a dispute reached the post.
    DisputeSource, "来源" {
        Call = "call" / "报警",
        WalkIn = "walk_in" / "来访",
        HundredHouseholdHead = "hundred_household_head" / "百户长上报",
        Patrol = "patrol" / "巡逻发现",
        Assigned = "assigned" / "上级交办",
    }
);

str_enum!(
    /// 纠纷等级.
    Grade, "纠纷等级" {
        Simple = "simple" / "简单",
        General = "general" / "一般",
        Major = "major" / "重大疑难",
    }
);

str_enum!(
    /// Which law the mediation proceeds under.
    Track, "调解类型" {
        People = "people" / "人民调解",
        Security = "security" / "治安调解",
    }
);

str_enum!(
    /// 调解层级: the three-level ladder.
    MediationLevel, "调解层级" {
        Initial = "initial" / "初调",
        Review = "review" / "复调",
        Joint = "joint" / "联调",
    }
);

str_enum!(
    /// How a mediation round ended.
    MediationOutcome, "调解结果" {
        Settled = "settled" / "达成一致",
        Continued = "continued" / "继续调解",
        Escalated = "escalated" / "提交上一级调解",
        Failed = "failed" / "调解不成",
    }
);

str_enum!(
    /// 协议类型.
    AgreementKind, "协议类型" {
        People = "people" / "人民调解协议书",
        Security = "security" / "治安调解协议书",
        Oral = "oral" / "口头协议",
    }
);

str_enum!(
    /// Where a dispute stands.
    DisputeStatus, "纠纷状态" {
        Registered = "registered" / "已受理",
        Mediating = "mediating" / "调解中",
        Agreed = "agreed" / "已达成一致",
        Fulfilling = "fulfilling" / "履行中",
        Fulfilled = "fulfilled" / "已履行",
        Defaulted = "defaulted" / "逾期未履行",
        Closed = "closed" / "已结案",
        Failed = "failed" / "调解不成",
        Referred = "referred" / "已移交",
        Withdrawn = "withdrawn" / "已撤回",
    }
);

str_enum!(
    /// A party is a person or an organisation.
    PartyKind, "当事人类别" {
        Person = "person" / "自然人",
        Organisation = "organisation" / "单位",
    }
);

str_enum!(
    /// A party's role in the dispute.
    PartyRole, "当事人身份" {
        Applicant = "applicant" / "申请人",
        Respondent = "respondent" / "被申请人",
        Victim = "victim" / "被侵害人",
        Offender = "offender" / "违法行为人",
        Other = "other" / "其他当事人",
    }
);

str_enum!(
    /// The minor public-security acts that 治安调解 may cover.
    SecurityOffence, "违法行为" {
        Assault = "assault" / "殴打他人",
        Injury = "injury" / "故意伤害（情节较轻）",
        Insult = "insult" / "侮辱",
        Defamation = "defamation" / "诽谤",
        FalseAccusation = "false_accusation" / "诬告陷害",
        PropertyDamage = "property_damage" / "故意损毁财物",
        Disturbance = "disturbance" / "干扰他人正常生活",
        Privacy = "privacy" / "侵犯隐私",
        Trespass = "trespass" / "非法侵入住宅",
    }
);

str_enum!(
    /// Circumstances under which 治安调解 is not allowed.
    Exclusion, "不适用调解情形" {
        HiredViolence = "hired_violence" / "雇凶伤害他人",
        GroupFight = "group_fight" / "结伙斗殴或者其他寻衅滋事",
        RepeatOffence = "repeat_offence" / "多次实施违反治安管理行为",
        PartyRefuses = "party_refuses" / "当事人明确表示不愿意调解",
        OffenceDuringMediation = "offence_during_mediation" / "调解过程中又针对对方实施违法行为",
        SuspectFled = "suspect_fled" / "违法嫌疑人逃跑",
    }
);

str_enum!(
    /// 代办方式.
    ErrandMode, "代办方式" {
        Appointment = "appointment" / "预约",
        Proxy = "proxy" / "代办",
        HomeVisit = "home_visit" / "上门",
    }
);

str_enum!(
    /// 代办状态.
    ErrandStatus, "代办状态" {
        Accepted = "accepted" / "已受理",
        InProgress = "in_progress" / "办理中",
        Done = "done" / "已办结",
        Delivered = "delivered" / "已送达",
        Cancelled = "cancelled" / "已取消",
    }
);

str_enum!(
    /// How a finished errand reaches the resident.
    DeliveryMethod, "送达方式" {
        Mail = "mail" / "寄递",
        InPerson = "in_person" / "当面交付",
    }
);

str_enum!(
    /// 警情类别.
    IncidentKind, "警情类别" {
        Dispute = "dispute" / "纠纷",
        Theft = "theft" / "盗窃",
        Fraud = "fraud" / "诈骗",
        Assault = "assault" / "殴打",
        Traffic = "traffic" / "交通事故",
        Fire = "fire" / "火灾",
        Gambling = "gambling" / "赌博",
        Drugs = "drugs" / "涉毒",
        Nuisance = "nuisance" / "噪音扰民",
        MissingPerson = "missing_person" / "人员走失",
        Help = "help" / "群众求助",
        Other = "other" / "其他",
    }
);

str_enum!(
    /// 处置结果.
    Disposition, "处置结果" {
        Pending = "pending" / "处置中",
        Mediated = "mediated" / "调解",
        CaseOpened = "case_opened" / "立案",
        Assisted = "assisted" / "救助",
        Referred = "referred" / "移交",
        NoAction = "no_action" / "无需处理",
    }
);

str_enum!(
    /// The tags the county counts; users may add their own beside them.
    KnownTag, "人员标签" {
        ElderlyAlone = "elderly_alone" / "独居老人",
        LeftBehindChild = "left_behind_child" / "留守儿童",
        LeftBehindElderly = "left_behind_elderly" / "留守老人",
        Hardship = "hardship" / "困难群众",
        SubsistenceAllowance = "subsistence_allowance" / "低保",
        Disabled = "disabled" / "残疾",
    }
);

str_enum!(
    /// 群防群治力量的身份.
    VolunteerRole, "队员身份" {
        PoliceVolunteer = "police_volunteer" / "义警",
        HundredHouseholdHead = "hundred_household_head" / "百户长",
        Patroller = "patroller" / "巡防队员",
        Mediator = "mediator" / "调解员",
        GridWorker = "grid_worker" / "网格员",
        Activist = "activist" / "治安积极分子",
        PoliceAssistant = "police_assistant" / "警务助理",
    }
);

str_enum!(
    /// 巡逻方式.
    PatrolMode, "巡逻方式" {
        Fixed = "fixed" / "定点巡",
        Joint = "joint" / "联动巡",
        Cross = "cross" / "交叉巡",
    }
);

str_enum!(
    /// What became of a patrol finding.
    FindingHandling, "发现处置" {
        Handled = "handled" / "当场处置",
        Lead = "lead" / "转为线索",
        Hazard = "hazard" / "转为隐患",
        Incident = "incident" / "转为警情",
    }
);

str_enum!(
    /// 线索状态.
    LeadStatus, "线索状态" {
        Received = "received" / "已接收",
        Verifying = "verifying" / "核查中",
        Converted = "converted" / "已转警情/案件",
        Closed = "closed" / "已了结",
    }
);

str_enum!(
    /// 隐患类别.
    HazardKind, "隐患类别" {
        Wiring = "wiring" / "电气线路",
        IllegalCharging = "illegal_charging" / "违规充电",
        BlockedFireLane = "blocked_fire_lane" / "堵塞消防通道",
        Gas = "gas" / "燃气",
        UnsafeBuilding = "unsafe_building" / "危房",
        Traffic = "traffic" / "交通安全",
        Water = "water" / "防溺水",
        Other = "other" / "其他",
    }
);

str_enum!(
    /// 隐患等级.
    HazardGrade, "隐患等级" {
        General = "general" / "一般",
        Major = "major" / "重大",
    }
);

str_enum!(
    /// 隐患状态: 隐患清单 + 动态销号.
    HazardStatus, "隐患状态" {
        Reported = "reported" / "已上报",
        Verified = "verified" / "已核实",
        Fixed = "fixed" / "已整改",
        Closed = "closed" / "已销号",
        Rejected = "rejected" / "经核不实",
    }
);

str_enum!(
    /// 宣传主题.
    OutreachTopic, "宣传主题" {
        AntiFraud = "anti_fraud" / "反诈",
        AntiDrug = "anti_drug" / "禁毒",
        Legal = "legal" / "法治",
        FireSafety = "fire_safety" / "消防安全",
        Traffic = "traffic" / "交通安全",
        Other = "other" / "其他",
    }
);

str_enum!(
    /// How residents' views came in.
    FeedbackChannel, "收集渠道" {
        OpinionBox = "opinion_box" / "意见箱",
        Meeting = "meeting" / "警民恳谈",
        Visit = "visit" / "走访",
        Phone = "phone" / "电话",
        Online = "online" / "网上留言",
    }
);

str_enum!(
    /// What a search hit matched: the part of the resident's record the query was found in.
    SearchMatch, "匹配" {
        Name = "name" / "姓名",
        IdNumber = "id_number" / "公民身份号码",
        Phone = "phone" / "联系电话",
        Address = "address" / "住址",
    }
);

str_enum!(
    /// 预警等级 of a dispute at risk, highest first.
    RiskLevel, "预警等级" {
        Red = "red" / "红色预警",
        Orange = "orange" / "橙色预警",
        Yellow = "yellow" / "黄色预警",
    }
);

str_enum!(
    /// What made a dispute's risk: each reason of a warning is one of these.
    RiskSignal, "预警信号" {
        RepeatParty = "repeat_party" / "当事人重复涉纠纷",
        SamePair = "same_pair" / "双方再次发生纠纷",
        CrossPost = "cross_post" / "当事人在其他警务室涉纠纷",
        Incident = "incident" / "关联警情",
        ViolentIncident = "violent_incident" / "关联暴力警情",
        FulfilmentOverdue = "fulfilment_overdue" / "协议逾期未履行",
        NotHeld = "not_held" / "回访发现协议未落实",
        FailedRounds = "failed_rounds" / "调解不成",
        Overtime = "overtime" / "超期未调结",
        MajorGrade = "major_grade" / "重大疑难纠纷",
        LargeAmount = "large_amount" / "涉及金额较大",
        ThreatWords = "threat_words" / "扬言过激",
    }
);

str_enum!(
    /// What a person under care (结对帮扶) needs: the help the reports describe.
    CareNeedKind, "帮扶需求类别" {
        SubsistenceAllowance = "subsistence_allowance" / "低保申请",
        Medical = "medical" / "就医就诊",
        Documents = "documents" / "证件办理（送证上门）",
        DailyLiving = "daily_living" / "生活照料",
        Safety = "safety" / "安全防范",
        Emotional = "emotional" / "心理关爱",
        Schooling = "schooling" / "就学帮助",
        Other = "other" / "其他",
    }
);

str_enum!(
    /// Where a need found on a care visit stands.
    CareNeedStatus, "帮扶状态" {
        Open = "open" / "待帮扶",
        Helped = "helped" / "已帮扶",
        Dropped = "dropped" / "不再需要",
    }
);

str_enum!(
    /// What an item of the day's plan (今日工作) is.
    PlanItemKind, "事项类别" {
        CareVisit = "care_visit" / "帮扶走访",
        FollowUp = "follow_up" / "回访",
        Fulfilment = "fulfilment" / "协议履行",
        Errand = "errand" / "代办",
        Hazard = "hazard" / "隐患",
        Patrol = "patrol" / "巡逻",
        Warning = "warning" / "风险预警",
    }
);

str_enum!(
    /// How a mediation round was held: on site, at the post, or by video with the town's or
    /// county's mediation centre (视频联调).
    MediationMode, "调解方式" {
        OnSite = "on_site" / "现场",
        AtPost = "at_post" / "警务室",
        Video = "video" / "视频联调",
    }
);

str_enum!(
    /// What a lawyer serving the post is: the village's or post's legal adviser, or a firm's
    /// lawyer sitting at the post.
    LawyerKind, "律师身份" {
        Adviser = "adviser" / "法律顾问",
        Resident = "resident" / "驻所律师",
    }
);

str_enum!(
    /// What the working-day calendar says of a date that is not an ordinary Monday to
    /// Friday or weekend ([`crate::model::calendar`]).
    DayKind, "日期类别" {
        Holiday = "holiday" / "放假",
        Workday = "workday" / "上班",
    }
);

str_enum!(
    /// 表彰奖励类别: a county 见义勇为 award or the station's own 好人 award.
    AwardKind, "奖励类别" {
        Valor = "valor" / "见义勇为",
        GoodPerson = "good_person" / "好人",
    }
);

str_enum!(
    /// Where a nomination for an award stands.
    AwardDecision, "审批结果" {
        Pending = "pending" / "待审",
        Approved = "approved" / "批准",
        Declined = "declined" / "不予批准",
    }
);

str_enum!(
    /// What a photo or scan is attached to: a hazard (before and after 整改), an incident's
    /// scene, or a dispute's signed agreement (调解协议书).
    AttachmentOwner, "附件所属" {
        Hazard = "hazard" / "隐患",
        Incident = "incident" / "警情",
        Agreement = "agreement" / "调解协议书",
    }
);

str_enum!(
    /// The type of an attached file, told from its bytes (never from its name).
    FileType, "文件类型" {
        Jpeg = "jpeg" / "JPEG 照片",
        Png = "png" / "PNG 图片",
        Pdf = "pdf" / "PDF 扫描件",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_read_back() {
        for k in DisputeKind::ALL {
            assert_eq!(DisputeKind::parse(k.as_str()), Some(*k));
            assert_eq!(DisputeKind::parse(k.label()), Some(*k));
        }
        assert_eq!(DisputeKind::ALL.len(), 14);
        assert_eq!(ErrandStatus::parse("办理中"), Some(ErrandStatus::InProgress));
        assert_eq!(Sex::parse("unknown"), None);
    }

    #[test]
    fn serde_uses_the_glossary_codes() {
        let json = serde_json::to_string(&DisputeSource::HundredHouseholdHead).unwrap();
        assert_eq!(json, "\"hundred_household_head\"");
    }
}
