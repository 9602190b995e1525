import { useCallback, useEffect, useState } from "react";
import { Alert, Button, Card, Col, Descriptions, Form, Input, Modal, Popconfirm, Radio, Row, Select, Space, Table, Tabs, Tag, Typography } from "antd";
import { backend, toBackendError } from "../../backend";
import type { DbInfo, Officer, OfficerInput, PostInput, Village, VillageInput } from "../../backend";
import { RoleLabel } from "../../backend/types";
import { blankToNull, showError } from "../../components/formErrors";
import { usePost } from "../../components/PostContext";
import { useSave } from "../prevention/common";

const ROLE_OPTIONS = Object.entries(RoleLabel).map(([value, label]) => ({ value, label }));

function PostForm() {
  const { post, reload } = usePost();
  const [form] = Form.useForm<PostInput>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async (values: PostInput) => {
    setSaving(true);
    setFormError(null);
    setSaved(false);
    try {
      await backend.post.save(blankToNull(values));
      setSaved(true);
      reload();
    } catch (e) {
      setFormError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };
  const { id: _id, ...fields } = post;
  return (
    <Form form={form} layout="vertical" initialValues={fields} onFinish={save} style={{ maxWidth: 760 }}>
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      {saved && <Alert type="success" showIcon message="已保存" style={{ marginBottom: 16 }} data-testid="post-saved" />}
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="name" label="警务室名称" required>
            <Input />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="code" label="警务室编码">
            <Input />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="doc_prefix" label="文书字号前缀">
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="station_name" label="所属派出所">
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="committee_name" label="人民调解委员会">
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="township" label="乡镇/街道">
            <Input />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item name="address" label="地址">
            <Input />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="phone" label="电话">
            <Input data-testid="post-phone" />
          </Form.Item>
        </Col>
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
  const [form] = Form.useForm<VillageInput>();
  const { save, saving, alert } = useSave(form, (v: VillageInput) => backend.village.update({ id: village.id, ...blankToNull(v) }), onSaved);
  return (
    <Form form={form} name="village-edit" layout="vertical" initialValues={{ name: village.name, code: village.code, township: village.township }} onFinish={save} data-testid="village-edit">
      {alert}
      <Form.Item name="name" label="名称" required extra="由村名生成的户地址（如“青山村3组11号”）随之改名；手工填写的地址不变。">
        <Input />
      </Form.Item>
      <Form.Item name="code" label="区划代码" extra={village.code ? "区划代码已设定，县局据此分发数据，不能在这里修改。" : "6位或12位数字"}>
        <Input disabled={!!village.code} />
      </Form.Item>
      <Form.Item name="township" label="乡镇">
        <Input />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="village-edit-save">
        保存
      </Button>
      {!village.code && <DeleteButton what={`“${village.name}”`} remove={() => backend.village.delete(village.id)} onDeleted={onSaved} />}
    </Form>
  );
}

/** 小组改名: addresses made from the old name follow in the core. */
function GroupEdit({ village, group, onSaved }: { village: Village; group: Village["groups"][number]; onSaved: () => void }) {
  const [form] = Form.useForm<{ name: string }>();
  const { save, saving, alert } = useSave(form, (v: { name: string }) => backend.group.rename({ id: group.id, name: v.name ?? "" }), onSaved);
  return (
    <Form form={form} name="group-edit" layout="vertical" initialValues={{ name: group.name }} onFinish={save} data-testid="group-edit">
      {alert}
      <Form.Item name="name" label={`${village.name}的小组名称`} required>
        <Input />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="group-edit-save">
        保存
      </Button>
      <DeleteButton what={`“${village.name}${group.name}”`} remove={() => backend.group.delete(group.id)} onDeleted={onSaved} />
    </Form>
  );
}

type VillageEditing = { village: Village } | { village: Village; group: Village["groups"][number] };

function Villages() {
  const [villages, setVillages] = useState<Village[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<VillageInput>();
  const [groupForm] = Form.useForm<{ village_id: string; name: string }>();
  const [editing, setEditing] = useState<VillageEditing | null>(null);
  const load = useCallback(() => {
    backend.village.list().then(setVillages, (e) => setError(toBackendError(e).message));
  }, []);
  const saved = () => {
    setEditing(null);
    load();
  };
  useEffect(load, [load]);
  const addVillage = async (v: VillageInput) => {
    try {
      await backend.village.create(blankToNull(v));
      form.resetFields();
      setError(null);
      load();
    } catch (e) {
      setError(showError(form, e));
    }
  };
  const addGroup = async (v: { village_id: string; name: string }) => {
    try {
      await backend.group.create(v);
      groupForm.resetFields(["name"]);
      setError(null);
      load();
    } catch (e) {
      setError(showError(groupForm, e));
    }
  };
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
        <Form form={form} name="village-add" layout="inline" onFinish={addVillage}>
          <Form.Item name="name" label="名称" required>
            <Input />
          </Form.Item>
          <Form.Item name="code" label="区划代码">
            <Input placeholder="6位或12位" />
          </Form.Item>
          <Form.Item name="township" label="乡镇">
            <Input />
          </Form.Item>
          <Button htmlType="submit">新增</Button>
        </Form>
      </Card>
      <Card size="small" title="新增村民小组">
        <Form form={groupForm} name="group-add" layout="inline" onFinish={addGroup}>
          <Form.Item name="village_id" label="所属村" required>
            <Select style={{ width: 160 }} options={villages.map((v) => ({ value: v.id, label: v.name }))} />
          </Form.Item>
          <Form.Item name="name" label="小组名称" required>
            <Input placeholder="如：7组" />
          </Form.Item>
          <Button htmlType="submit">新增</Button>
        </Form>
      </Card>
    </Space>
  );
}

/** 修改 an officer: a corrected phone or badge number, a changed role, or 离岗 when they
 * leave the post (their name stays on what they handled). */
function OfficerEdit({ officer, onSaved }: { officer: Officer; onSaved: () => void }) {
  const [form] = Form.useForm<OfficerInput>();
  const { save, saving, alert } = useSave(form, (v: OfficerInput) => backend.officer.update({ id: officer.id, ...blankToNull(v) }), onSaved);
  const { id: _id, ...fields } = officer;
  return (
    <Form form={form} name="officer-edit" layout="vertical" initialValues={fields} onFinish={save} data-testid="officer-edit">
      {alert}
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="name" label="姓名" required>
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="role" label="角色">
            <Select options={ROLE_OPTIONS} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="badge_no" label="警号">
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="phone" label="电话">
            <Input />
          </Form.Item>
        </Col>
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
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<OfficerInput>();
  const [editing, setEditing] = useState<Officer | null>(null);
  const load = useCallback(() => {
    backend.officer.list().then(setOfficers, (e) => setError(toBackendError(e).message));
  }, []);
  useEffect(load, [load]);
  const add = async (v: OfficerInput) => {
    try {
      await backend.officer.create(blankToNull(v));
      form.resetFields();
      setError(null);
      load();
    } catch (e) {
      setError(showError(form, e));
    }
  };
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
              load();
            }}
          />
        )}
      </Modal>
      <Card size="small" title="新增民警、辅警">
        <Form form={form} name="officer-add" layout="inline" onFinish={add} initialValues={{ role: "auxiliary" }}>
          <Form.Item name="name" label="姓名" required>
            <Input style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="role" label="角色">
            <Select style={{ width: 130 }} options={ROLE_OPTIONS} />
          </Form.Item>
          <Form.Item name="badge_no" label="警号">
            <Input style={{ width: 110 }} />
          </Form.Item>
          <Form.Item name="phone" label="电话">
            <Input style={{ width: 140 }} />
          </Form.Item>
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
          { key: "about", label: "数据位置与关于", children: <About /> },
        ]}
      />
    </Card>
  );
}
