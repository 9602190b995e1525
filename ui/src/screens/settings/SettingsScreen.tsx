import { useCallback, useEffect, useState } from "react";
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Popconfirm, Radio, Row, Select, Space, Table, Tabs, Tag, Typography } from "antd";
import { backend, toBackendError } from "../../backend";
import type { DbInfo, Officer, OfficerInput, PostInput, Village, VillageInput } from "../../backend";
import { RoleLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { usePost } from "../../components/PostContext";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { Field } from "../../components/Field";
import { villageOptions } from "../../components/refs";
import { WarningWords } from "./WarningWords";
import { WorkCalendar } from "./WorkCalendar";
import { CareDefaults } from "./CareDefaults";

const ROLE_OPTIONS = options(RoleLabel);

function PostForm() {
  const { post, reload } = usePost();
  const [saved, setSaved] = useState(false);
  const { formProps, saving, alert } = useSave(
    (v: PostInput) => {
      setSaved(false);
      return backend.post.save(blankToNull(v));
    },
    () => {
      setSaved(true);
      reload();
    },
  );
  const { id: _id, ...fields } = post;
  return (
    <Form {...formProps} layout="vertical" initialValues={fields} style={{ maxWidth: 760 }}>
      {alert}
      {saved && <Alert type="success" showIcon message="已保存" style={{ marginBottom: 16 }} data-testid="post-saved" />}
      <Row gutter={16}>
        <Field span={12} name="name" label="警务室名称" required />
        <Field span={6} name="code" label="警务室编码" />
        <Field span={6} name="doc_prefix" label="文书字号前缀" />
        <Field span={12} name="station_name" label="所属派出所" />
        <Field span={12} name="committee_name" label="人民调解委员会" />
        <Field span={8} name="township" label="乡镇/街道" />
        <Field span={10} name="address" label="地址" />
        <Field span={6} name="phone" label="电话"><Input data-testid="post-phone" /></Field>
      </Row>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="post-save">
        保存
      </Button>
    </Form>
  );
}

/** 删除 in an edit dialog, for what was set up by mistake: the core refuses while anything
 * hangs from it, and its message shows above the button. */
function DeleteButton({ what, remove, onDeleted }: { what: string; remove: () => Promise<unknown>; onDeleted: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setError(null);
    try {
      await remove();
      onDeleted();
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };
  return (
    <div style={{ marginTop: 24, paddingTop: 16, borderTop: "1px solid #f0f0f0" }}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="delete-error" />}
      <Popconfirm title={`删除${what}？`} description="只用于删除误录的内容；其下有户或其他记录时不能删除。" okText="删除" cancelText="取消" onConfirm={confirm}>
        <Button danger>删除{what}</Button>
      </Popconfirm>
    </div>
  );
}

/** 修改 a village: its name and township; its code only while it has none (HQ routes the
 * village's data by it). Addresses made from the old name follow in the core. */
function VillageEdit({ village, onSaved }: { village: Village; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: VillageInput) => backend.village.update({ id: village.id, ...blankToNull(v) }), onSaved);
  return (
    <Form {...formProps} name="village-edit" layout="vertical" initialValues={{ name: village.name, code: village.code, township: village.township }} data-testid="village-edit">
      {alert}
      <Field name="name" label="名称" required extra="由村名生成的户地址（如“青山村3组11号”）随之改名；手工填写的地址不变。" />
      <Field name="code" label="区划代码" extra={village.code ? "区划代码已设定，县局据此分发数据，不能在这里修改。" : "6位或12位数字"}><Input disabled={!!village.code} /></Field>
      <Field name="township" label="乡镇" />
      <Button type="primary" htmlType="submit" loading={saving} data-testid="village-edit-save">
        保存
      </Button>
      {!village.code && <DeleteButton what={`“${village.name}”`} remove={() => backend.village.delete(village.id)} onDeleted={onSaved} />}
    </Form>
  );
}

/** 小组改名: addresses made from the old name follow in the core. */
function GroupEdit({ village, group, onSaved }: { village: Village; group: Village["groups"][number]; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: { name: string }) => backend.group.rename({ id: group.id, name: v.name ?? "" }), onSaved);
  return (
    <Form {...formProps} name="group-edit" layout="vertical" initialValues={{ name: group.name }} data-testid="group-edit">
      {alert}
      <Field name="name" label={`${village.name}的小组名称`} required />
      <Button type="primary" htmlType="submit" loading={saving} data-testid="group-edit-save">
        保存
      </Button>
      <DeleteButton what={`“${village.name}${group.name}”`} remove={() => backend.group.delete(group.id)} onDeleted={onSaved} />
    </Form>
  );
}

type VillageEditing = { village: Village } | { village: Village; group: Village["groups"][number] };

function Villages() {
  const { data: villages, error, reload } = useLoad(useCallback(() => backend.village.list(), []), [] as Village[]);
  const [editing, setEditing] = useState<VillageEditing | null>(null);
  const saved = () => {
    setEditing(null);
    reload();
  };
  const addVillage = useSave((v: VillageInput) => backend.village.create(blankToNull(v)), reload, { reset: true });
  const addGroup = useSave((v: { village_id: string; name: string }) => backend.group.create(v), reload, { reset: ["name"] });
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      {error && <Alert type="error" showIcon message={error} />}
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={villages}
        columns={[
          { title: "村（社区）", dataIndex: "name", width: 160 },
          { title: "区划代码", dataIndex: "code", width: 140 },
          { title: "乡镇", dataIndex: "township", width: 120 },
          {
            title: "村民小组（点击改名）",
            dataIndex: "groups",
            render: (gs: Village["groups"], v) =>
              gs.map((g) => (
                <Tag key={g.id} style={{ cursor: "pointer" }} onClick={() => setEditing({ village: v, group: g })} role="button" aria-label={`${v.name}${g.name} 改名`}>
                  {g.name}
                </Tag>
              )),
          },
          {
            title: "",
            key: "edit",
            width: 80,
            align: "right",
            render: (_, v) => (
              <Button size="small" onClick={() => setEditing({ village: v })} aria-label={`修改 ${v.name}`}>
                修改
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing ? ("group" in editing ? `小组改名：${editing.village.name}${editing.group.name}` : `修改：${editing.village.name}`) : ""}
        footer={null}
        width={520}
        onCancel={() => setEditing(null)}
        destroyOnHidden
      >
        {editing && ("group" in editing ? <GroupEdit village={editing.village} group={editing.group} onSaved={saved} /> : <VillageEdit village={editing.village} onSaved={saved} />)}
      </Modal>
      <Card size="small" title="新增村（社区）">
        {addVillage.alert}
        <Form {...addVillage.formProps} name="village-add" layout="inline">
          <Field name="name" label="名称" required />
          <Field name="code" label="区划代码"><Input placeholder="6位或12位" /></Field>
          <Field name="township" label="乡镇" />
          <Button htmlType="submit">新增</Button>
        </Form>
      </Card>
      <Card size="small" title="新增村民小组">
        {addGroup.alert}
        <Form {...addGroup.formProps} name="group-add" layout="inline">
          <Field name="village_id" label="所属村" required><Select style={{ width: 160 }} options={villageOptions(villages)} /></Field>
          <Field name="name" label="小组名称" required><Input placeholder="如：7组" /></Field>
          <Button htmlType="submit">新增</Button>
        </Form>
      </Card>
    </Space>
  );
}

/** 修改 an officer: a corrected phone or badge number, a changed role, or 离岗 when they
 * leave the post (their name stays on what they handled). */
function OfficerEdit({ officer, onSaved }: { officer: Officer; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: OfficerInput) => backend.officer.update({ id: officer.id, ...blankToNull(v) }), onSaved);
  const { id: _id, preside_refusal: _refusal, ...fields } = officer;
  return (
    <Form {...formProps} name="officer-edit" layout="vertical" initialValues={fields} data-testid="officer-edit">
      {alert}
      <Row gutter={16}>
        <Field span={12} name="name" label="姓名" required />
        <Field span={12} name="role" label="角色"><Select options={ROLE_OPTIONS} /></Field>
        <Field span={12} name="badge_no" label="警号" />
        <Field span={12} name="phone" label="电话" />
      </Row>
      <Form.Item name="active" label="状态" extra="调离本警务室的设为离岗；经手的纠纷、代办仍保留其姓名。">
        <Radio.Group
          options={[
            { value: true, label: "在岗" },
            { value: false, label: "离岗" },
          ]}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="officer-edit-save">
        保存
      </Button>
    </Form>
  );
}

function Officers() {
  const { data: officers, error, reload } = useLoad(useCallback(() => backend.officer.list(), []), [] as Officer[]);
  const [editing, setEditing] = useState<Officer | null>(null);
  const add = useSave((v: OfficerInput) => backend.officer.create(blankToNull(v)), reload, { reset: true });
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      {error && <Alert type="error" showIcon message={error} />}
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={officers}
        columns={[
          { title: "姓名", dataIndex: "name", width: 120 },
          { title: "角色", dataIndex: "role", width: 120, render: (r) => RoleLabel[r as "officer"] },
          { title: "警号", dataIndex: "badge_no", width: 120 },
          { title: "电话", dataIndex: "phone", width: 140 },
          { title: "状态", dataIndex: "active", render: (a) => (a ? <Tag color="green">在岗</Tag> : <Tag>离岗</Tag>) },
          {
            title: "",
            key: "edit",
            width: 80,
            align: "right",
            render: (_, o) => (
              <Button size="small" onClick={() => setEditing(o)} aria-label={`修改 ${o.name}`}>
                修改
              </Button>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing ? `修改：${editing.name}` : ""} footer={null} width={560} onCancel={() => setEditing(null)} destroyOnHidden>
        {editing && (
          <OfficerEdit
            officer={editing}
            onSaved={() => {
              setEditing(null);
              reload();
            }}
          />
        )}
      </Modal>
      <Card size="small" title="新增民警、辅警">
        {add.alert}
        <Form {...add.formProps} name="officer-add" layout="inline" initialValues={{ role: "auxiliary" }}>
          <Field name="name" label="姓名" required><Input style={{ width: 110 }} /></Field>
          <Field name="role" label="角色"><Select style={{ width: 130 }} options={ROLE_OPTIONS} /></Field>
          <Field name="badge_no" label="警号"><Input style={{ width: 110 }} /></Field>
          <Field name="phone" label="电话"><Input style={{ width: 140 }} /></Field>
          <Button htmlType="submit">新增</Button>
        </Form>
      </Card>
    </Space>
  );
}

function About() {
  const [info, setInfo] = useState<DbInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    backend.dbInfo().then(setInfo, (e) => setError(toBackendError(e).message));
  }, []);
  if (error) return <Alert type="error" showIcon message={error} />;
  return (
    <Descriptions column={1} bordered size="small" style={{ maxWidth: 760 }} styles={{ label: { width: 136, whiteSpace: "nowrap" } }}>
      <Descriptions.Item label="软件">枫桥警务台账 {info?.version}</Descriptions.Item>
      <Descriptions.Item label="数据文件">
        <span data-testid="db-path">
          <Typography.Text copyable>{info?.path}</Typography.Text>
        </span>
      </Descriptions.Item>
      <Descriptions.Item label="数据结构版本">{info?.schema_version}</Descriptions.Item>
      <Descriptions.Item label="本机节点">{info?.node_id}</Descriptions.Item>
      <Descriptions.Item label="说明">
        全部数据保存在上面这一个文件中；备份时复制该文件（程序关闭时）。可用环境变量 FENGQIAO_DB 指定其他位置。
      </Descriptions.Item>
    </Descriptions>
  );
}

/** 设置: the post, its villages and groups, officers, where the data lives, about. */
export function SettingsScreen() {
  return (
    <Card title="设置">
      <Tabs
        items={[
          { key: "post", label: "警务室", children: <PostForm /> },
          { key: "villages", label: "村（社区）", children: <Villages /> },
          { key: "officers", label: "民警辅警", children: <Officers /> },
          { key: "warning", label: "风险预警", children: <WarningWords /> },
          { key: "calendar", label: "工作日历", children: <WorkCalendar /> },
          { key: "care", label: "结对帮扶", children: <CareDefaults /> },
          { key: "about", label: "数据位置与关于", children: <About /> },
        ]}
      />
    </Card>
  );
}
