import { useCallback, useState } from "react";
import { Alert, Button, Card, Form, Input, Modal, Row, Select, Space, Switch, Table, Tag } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { backend } from "../../backend";
import type { EndVolunteer, TeamInput, Volunteer, VolunteerFilter, VolunteerInput, VolunteerRole } from "../../backend";
import { VolunteerRoleLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { PersonPicker } from "../../components/PersonPicker";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { useRefs, LedgerActions } from "./common";
import { Field } from "../../components/Field";

type Refs = ReturnType<typeof useRefs>;

export function TeamForm({ refs, onSaved }: { refs: Refs; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: TeamInput) => backend.team.create(blankToNull(v)), onSaved);
  return (
    <Form {...formProps} layout="vertical" data-testid="team-form">
      {alert}
      <Field name="name" label="队伍名称" required><Input placeholder="如：花木兰女子巡防队" /></Field>
      <Row gutter={16}>
        <Field span={12} name="village_id" label="所在村（社区）"><Select allowClear options={refs.villageOptions} placeholder="服务全辖区可不选" /></Field>
        <Field span={12} name="founded_on" label="成立日期"><DateField /></Field>
      </Row>
      <Field name="leader_id" label="队长"><Select allowClear showSearch optionFilterProp="label" options={refs.volunteerOptions} /></Field>
      <Field name="notes" label="备注" />
      <Button type="primary" htmlType="submit" loading={saving} data-testid="team-save">
        保存
      </Button>
    </Form>
  );
}

export function VolunteerForm({ refs, onSaved }: { refs: Refs; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: VolunteerInput) => backend.volunteer.create(blankToNull(v)), onSaved);
  return (
    <Form {...formProps} layout="vertical" data-testid="volunteer-form">
      {alert}
      <Field name="person_id" label="登记人员（选中后姓名、电话取自人员信息）"><PersonPicker /></Field>
      <Row gutter={16}>
        <Field span={12} name="name" label="姓名"><Input data-testid="volunteer-name" /></Field>
        <Field span={12} name="phone" label="联系电话"><Input data-testid="volunteer-phone" /></Field>
        <Field span={12} name="role" label="身份" required><Select options={options(VolunteerRoleLabel)} data-testid="volunteer-role" /></Field>
        <Field span={12} name="team_id" label="所属队伍"><Select allowClear options={refs.teamOptions} /></Field>
        <Field span={12} name="village_id" label="所在村（社区）"><Select allowClear options={refs.villageOptions} /></Field>
        <Field span={12} name="active_from" label="起始日期（不填为今天）"><DateField /></Field>
      </Row>
      <Field name="training" label="培训情况" />
      <Field name="notes" label="备注" />
      <Button type="primary" htmlType="submit" loading={saving} data-testid="volunteer-save">
        保存
      </Button>
    </Form>
  );
}

export function EndVolunteerForm({ volunteer, onSaved }: { volunteer: Volunteer; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: EndVolunteer) => backend.volunteer.end({ id: volunteer.id, on: v.on ?? null }), onSaved);
  return (
    <Form {...formProps} layout="vertical" data-testid="volunteer-end-form">
      {alert}
      <p>
        {volunteer.name}（{VolunteerRoleLabel[volunteer.role]}）自{volunteer.active_from}起服务。
      </p>
      <Field name="on" label="终止日期（不填为今天）"><DateField data-testid="volunteer-end-on" /></Field>
      <Button type="primary" danger htmlType="submit" loading={saving} data-testid="volunteer-end-save">
        确认离队
      </Button>
    </Form>
  );
}

/** 队伍与志愿者: the teams, the volunteers by team, village and role, joining and leaving. */
export function TeamsTab() {
  const refs = useRefs();
  const [filter, setFilter] = useState<VolunteerFilter>({ active_only: true });
  const teams = useLoad(useCallback(() => backend.team.list(), []), []);
  const volunteers = useLoad(useCallback(() => backend.volunteer.list(filter), [filter]), []);
  const [editing, setEditing] = useState<"team" | "volunteer" | Volunteer | null>(null);
  const done = () => {
    setEditing(null);
    teams.reload();
    volunteers.reload();
  };
  const set = (c: Partial<VolunteerFilter>) => setFilter((f) => ({ ...f, ...c }));

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        size="small"
        title={`巡防队伍（${teams.data.length} 支）`}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setEditing("team")} data-testid="new-team">
            新增队伍
          </Button>
        }
      >
        {teams.error && <Alert type="error" showIcon message={teams.error} />}
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          loading={teams.loading}
          dataSource={teams.data}
          columns={[
            { title: "队伍名称", dataIndex: "name" },
            { title: "村（社区）", dataIndex: "village_name", width: 140, render: (v) => v ?? "全辖区" },
            { title: "队长", dataIndex: "leader_name", width: 100 },
            { title: "在队人数", dataIndex: "active_members", width: 90 },
            { title: "成立日期", dataIndex: "founded_on", width: 110 },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={`群防群治队员（${volunteers.data.length} 人）`}
        extra={<LedgerActions kind="volunteers" addLabel="登记队员" onAdd={() => setEditing("volunteer")} addTestId="new-volunteer" />}
      >
        <Space wrap style={{ marginBottom: 12 }}>
          <Select allowClear placeholder="队伍" style={{ width: 180 }} options={refs.teamOptions} onChange={(v?: string) => set({ team_id: v ?? null })} />
          <Select allowClear placeholder="村（社区）" style={{ width: 140 }} options={refs.villageOptions} onChange={(v?: string) => set({ village_id: v ?? null })} />
          <Select allowClear placeholder="身份" style={{ width: 140 }} options={options(VolunteerRoleLabel)} onChange={(v?: VolunteerRole) => set({ role: v ?? null })} />
          <Space>
            <Switch checked={filter.active_only ?? true} onChange={(c) => set({ active_only: c })} aria-label="只看在队" />
            只看在队
          </Space>
        </Space>
        {volunteers.error && <Alert type="error" showIcon message={volunteers.error} />}
        <Table
          rowKey="id"
          size="small"
          loading={volunteers.loading}
          dataSource={volunteers.data}
          pagination={{ pageSize: 12, showSizeChanger: false, showTotal: (t) => `共 ${t} 人` }}
          columns={[
            { title: "姓名", dataIndex: "name", width: 90 },
            { title: "身份", dataIndex: "role", width: 100, render: (r: VolunteerRole) => VolunteerRoleLabel[r] },
            { title: "队伍", dataIndex: "team_name" },
            { title: "村（社区）", dataIndex: "village_name", width: 110 },
            { title: "电话", dataIndex: "phone", width: 120 },
            { title: "起始", dataIndex: "active_from", width: 105 },
            { title: "终止", dataIndex: "active_to", width: 105, render: (d, v) => (v.active ? <Tag color="green">在队</Tag> : d) },
            {
              title: "",
              width: 70,
              render: (_, v) =>
                v.active && (
                  <Button size="small" onClick={() => setEditing(v)} data-testid={`end-${v.id}`}>
                    离队
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      <Modal open={editing === "team"} title="新增队伍" footer={null} width={560} onCancel={() => setEditing(null)} destroyOnHidden>
        <TeamForm refs={refs} onSaved={done} />
      </Modal>
      <Modal open={editing === "volunteer"} title="登记队员" footer={null} width={640} onCancel={() => setEditing(null)} destroyOnHidden>
        <VolunteerForm refs={refs} onSaved={done} />
      </Modal>
      <Modal open={typeof editing === "object" && editing !== null} title="队员离队" footer={null} width={480} onCancel={() => setEditing(null)} destroyOnHidden>
        {typeof editing === "object" && editing !== null && <EndVolunteerForm volunteer={editing} onSaved={done} />}
      </Modal>
    </Space>
  );
}
