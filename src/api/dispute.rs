//! Methods for disputes and their mediation: intake, parties, sessions, the agreement,
//! fulfilment, follow-up, referral and withdrawal, and the lists that drive the day's work
//! (overdue fulfilments, follow-ups due).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::people::IdRequest;
use super::{Api, Method, from_json, method, patch};
use crate::error::{Error, MissingField, Result};
use crate::model::AgreementKind;
use crate::model::dispute::{AgreementInput, DisputeInput, FollowUpInput, FulfilmentInput, MediationInput, PartyInput};
use crate::model::people::opt_date;
use crate::store::dispute::{self, Dispute, DisputeFilter, DisputePage, FollowUpDue, OverdueFulfilment, Party};

/// `dispute.update`: the id and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct DisputeUpdate {
    /// The dispute.
    #[schemars(title = "纠纷")]
    pub id: String,
    /// Fields of `dispute.create` to change (not `parties`: use `party.add` / `party.update`).
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<DisputeInput>")]
    pub changes: Map<String, Value>,
}

/// `party.add`: the dispute and the party's fields.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct PartyAdd {
    /// The dispute.
    #[schemars(title = "纠纷")]
    pub dispute_id: String,
    /// The party, as in `dispute.create`'s `parties`.
    #[serde(flatten)]
    #[schemars(with = "PartyInput")]
    pub fields: Map<String, Value>,
}

/// `party.update`: the party's id and the fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct PartyUpdate {
    /// The party.
    #[schemars(title = "当事人")]
    pub id: String,
    /// Fields to change.
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<PartyInput>")]
    pub changes: Map<String, Value>,
}

/// `agreement.save`: the dispute and the draft fields to change.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct AgreementSave {
    /// The dispute.
    #[schemars(title = "纠纷")]
    pub dispute_id: String,
    /// Draft fields to change.
    #[serde(flatten)]
    // Each field optional: schemars drops `required` from a flattened `Option`.
    #[schemars(with = "Option<AgreementInput>")]
    pub changes: Map<String, Value>,
}

/// A request naming a dispute.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct DisputeRef {
    /// The dispute.
    #[schemars(title = "纠纷")]
    pub dispute_id: String,
}

/// `dispute.refer`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct ReferRequest {
    /// The dispute.
    #[schemars(title = "纠纷")]
    pub id: String,
    /// 移交去向: 人民法院, 司法所, 县局…
    #[schemars(title = "移交去向")]
    pub referred_to: String,
    /// 移交日期 (default today).
    pub on: Option<String>,
}

/// `dispute.withdraw`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// The dispute.
    #[schemars(title = "纠纷")]
    pub id: String,
    /// 撤回原因.
    pub reason: Option<String>,
}

/// `followup.due`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields = nullable))]
#[serde(deny_unknown_fields)]
pub struct DueRequest {
    /// Due on or before this date (default today).
    pub on: Option<String>,
}

/// No parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoDisputeParams {}

/// What `agreement.check` answers.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgreementCheck {
    /// The kind the agreement will be.
    pub kind: AgreementKind,
    /// Whether nothing is missing.
    pub complete: bool,
    /// Every required field still missing.
    pub missing: Vec<MissingField>,
}

impl Api {
    /// Registers a dispute with its parties.
    pub fn dispute_create(&mut self, input: DisputeInput) -> Result<Dispute> {
        let id = self.store.write(|tx| dispute::create(tx, input))?;
        dispute::get(self.store.conn(), &id, self.today())
    }

    /// Changes some fields of a dispute.
    pub fn dispute_update(&mut self, req: DisputeUpdate) -> Result<Dispute> {
        for key in ["parties", "status"] {
            if req.changes.contains_key(key) {
                return Err(Error::validation(
                    key,
                    "纠纷修改不能直接更改当事人或状态：当事人请用“添加/修改当事人”，状态随调解、协议、履行和回访变化",
                ));
            }
        }
        let current = dispute::input_of(self.store.conn(), &req.id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| dispute::update(tx, &req.id, input))?;
        dispute::get(self.store.conn(), &req.id, self.today())
    }

    /// A dispute with its whole case file.
    pub fn dispute_get(&mut self, req: IdRequest) -> Result<Dispute> {
        dispute::get(self.store.conn(), &req.id, self.today())
    }

    /// A page of disputes.
    pub fn dispute_list(&mut self, filter: DisputeFilter) -> Result<DisputePage> {
        let today = self.today();
        dispute::list(self.store.conn(), &filter, today, || crate::store::warning::judged(&self.store, today))
    }

    /// Adds a party.
    pub fn party_add(&mut self, req: PartyAdd) -> Result<Party> {
        let input: PartyInput = from_json(Value::Object(req.fields))?;
        let id = self.store.write(|tx| dispute::add_party(tx, &req.dispute_id, input))?;
        self.party_get(&req.dispute_id, &id)
    }

    /// Changes some fields of a party.
    pub fn party_update(&mut self, req: PartyUpdate) -> Result<Party> {
        let mut current = dispute::party_input(self.store.conn(), &req.id)?;
        let relinked = req.changes.get("person_id").and_then(Value::as_str);
        if relinked.is_some_and(|p| current.person_id.as_deref() != Some(p)) {
            // Linking another resident: their details replace the old person's, while the
            // party's role, guardian and agent stay.
            current = PartyInput {
                kind: current.kind,
                role: current.role,
                guardian_name: current.guardian_name,
                guardian_relation: current.guardian_relation,
                agent_name: current.agent_name,
                agent_authority_ref: current.agent_authority_ref,
                ..Default::default()
            };
        }
        let input = patch(current, req.changes)?;
        let dispute_id = self.store.write(|tx| dispute::update_party(tx, &req.id, input))?;
        self.party_get(&dispute_id, &req.id)
    }

    /// Deletes a party added by mistake.
    pub fn party_delete(&mut self, req: IdRequest) -> Result<Dispute> {
        let dispute_id = self.store.write(|tx| dispute::delete_party(tx, &req.id))?;
        dispute::get(self.store.conn(), &dispute_id, self.today())
    }

    fn party_get(&self, dispute_id: &str, id: &str) -> Result<Party> {
        dispute::parties(self.store.conn(), dispute_id, self.today())?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::not_found("当事人", id))
    }

    /// Records a mediation session.
    pub fn mediation_add(&mut self, input: MediationInput) -> Result<Dispute> {
        let dispute_id = input.dispute_id.clone();
        self.store.write(|tx| dispute::add_mediation(tx, input))?;
        dispute::get(self.store.conn(), &dispute_id, self.today())
    }

    /// Saves the agreement draft.
    pub fn agreement_save(&mut self, req: AgreementSave) -> Result<Dispute> {
        let current = dispute::draft_of(self.store.conn(), &req.dispute_id)?;
        let input = patch(current, req.changes)?;
        self.store.write(|tx| dispute::save_agreement(tx, &req.dispute_id, input))?;
        dispute::get(self.store.conn(), &req.dispute_id, self.today())
    }

    /// What the agreement still lacks.
    pub fn agreement_check(&mut self, req: DisputeRef) -> Result<AgreementCheck> {
        let (kind, missing) = dispute::check_agreement(self.store.conn(), &req.dispute_id, self.today())?;
        Ok(AgreementCheck { kind, complete: missing.is_empty(), missing })
    }

    /// Finalises the agreement, numbering it.
    pub fn agreement_finalise(&mut self, req: DisputeRef) -> Result<Dispute> {
        self.store.write(|tx| dispute::finalise(tx, &req.dispute_id))?;
        dispute::get(self.store.conn(), &req.dispute_id, self.today())
    }

    /// Records whether the agreement was carried out.
    pub fn fulfilment_record(&mut self, input: FulfilmentInput) -> Result<Dispute> {
        let dispute_id = input.dispute_id.clone();
        self.store.write(|tx| dispute::record_fulfilment(tx, input))?;
        dispute::get(self.store.conn(), &dispute_id, self.today())
    }

    /// Records a follow-up visit.
    pub fn followup_record(&mut self, input: FollowUpInput) -> Result<Dispute> {
        let fid = self.store.write(|tx| dispute::record_follow_up(tx, input))?;
        let dispute_id = dispute::follow_up::dispute_of(self.store.conn(), &fid)?
            .ok_or_else(|| crate::error::Error::not_found("回访记录", &fid))?;
        dispute::get(self.store.conn(), &dispute_id, self.today())
    }

    /// Follow-ups due on or before a date and not yet done.
    pub fn followup_due(&mut self, req: DueRequest) -> Result<Vec<FollowUpDue>> {
        let on = opt_date("on", "日期", req.on.as_deref())?.unwrap_or(self.today());
        dispute::follow_ups_due(self.store.conn(), on)
    }

    /// Agreements past their deadline and not carried out.
    pub fn dispute_overdue_fulfilments(&mut self) -> Result<Vec<OverdueFulfilment>> {
        dispute::overdue_fulfilments(self.store.conn(), self.today())
    }

    /// Hands a dispute on.
    pub fn dispute_refer(&mut self, req: ReferRequest) -> Result<Dispute> {
        self.store.write(|tx| dispute::refer(tx, &req.id, &req.referred_to, req.on.as_deref()))?;
        dispute::get(self.store.conn(), &req.id, self.today())
    }

    /// Records a withdrawal.
    pub fn dispute_withdraw(&mut self, req: WithdrawRequest) -> Result<Dispute> {
        self.store.write(|tx| dispute::withdraw(tx, &req.id, req.reason.as_deref()))?;
        dispute::get(self.store.conn(), &req.id, self.today())
    }
}

pub(super) fn methods() -> Vec<Method> {
    vec![
        method!(
            "dispute.create",
            "受理矛盾纠纷（含当事人）",
            DisputeInput,
            Anyone,
            Create(WithWrite),
            |api, p| api.dispute_create(p)
        ),
        method!(
            "dispute.update",
            "修改纠纷（只传需要修改的字段）",
            DisputeUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.dispute_update(p)
        ),
        method!(
            "dispute.get",
            "查看纠纷：当事人、调解经过、协议、回访、可进行的操作",
            IdRequest,
            Anyone,
            View(After),
            |api, p| api.dispute_get(p)
        ),
        method!(
            "dispute.list",
            "纠纷列表（按状态、类型、村、调解类型、受理日期、名称、预警等级筛选，可按预警排序，分页）",
            DisputeFilter,
            Anyone,
            List(After),
            |api, p| api.dispute_list(p)
        ),
        method!(
            "dispute.overdue_fulfilments",
            "逾期未履行的调解协议",
            NoDisputeParams,
            Anyone,
            List(After),
            |api, _| api.dispute_overdue_fulfilments()
        ),
        method!(
            "dispute.refer",
            "移交（法院、司法所、县局等）",
            ReferRequest,
            Anyone,
            Update(WithWrite),
            |api, p| api.dispute_refer(p)
        ),
        method!("dispute.withdraw", "撤回纠纷", WithdrawRequest, Anyone, Update(WithWrite), |api, p| api
            .dispute_withdraw(p)),
        method!("party.add", "添加当事人", PartyAdd, Anyone, Create(WithWrite), |api, p| api.party_add(p)),
        method!(
            "party.update",
            "修改当事人（只传需要修改的字段）",
            PartyUpdate,
            Anyone,
            Update(WithWrite),
            |api, p| api.party_update(p)
        ),
        method!(
            "party.delete",
            "删除误添加的当事人（协议生效后不能删除）",
            IdRequest,
            Anyone,
            Delete(WithWrite),
            |api, p| api.party_delete(p)
        ),
        method!(
            "mediation.add",
            "登记调解（初调、复调、联调）",
            MediationInput,
            NotAuxiliaryForSecurityTrack,
            Create(WithWrite),
            |api, p| api.mediation_add(p)
        ),
        method!(
            "agreement.save",
            "保存调解协议草稿（只传需要修改的字段）",
            AgreementSave,
            Anyone,
            Update(WithWrite),
            |api, p| api.agreement_save(p)
        ),
        method!("agreement.check", "检查调解协议缺少的内容", DisputeRef, Anyone, Unaudited, |api, p| api
            .agreement_check(p)),
        method!(
            "agreement.finalise",
            "调解协议生效并编号",
            DisputeRef,
            NotAuxiliary,
            Update(WithWrite),
            |api, p| api.agreement_finalise(p)
        ),
        method!(
            "fulfilment.record",
            "登记协议履行情况",
            FulfilmentInput,
            Anyone,
            Create(WithWrite),
            |api, p| api.fulfilment_record(p)
        ),
        method!("followup.record", "登记回访", FollowUpInput, Anyone, Create(WithWrite), |api, p| api
            .followup_record(p)),
        method!("followup.due", "到期未回访的纠纷", DueRequest, Anyone, List(After), |api, p| api
            .followup_due(p)),
    ]
}
