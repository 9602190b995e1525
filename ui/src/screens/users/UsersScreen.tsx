import { useCallback, useEffect, useState } from "react";
import { Alert, App as AntApp, Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Select, Space, Table, Tag } from "antd";
import { beijingTime } from "../../components/time";
import { backend, toBackendError } from "../../backend";
import { RoleLabel } from "../../backend/types";
import type { Officer, Role, User, UserInput } from "../../backend";
import { blankToNull, showError } from "../../components/formErrors";

const ROLES: Role[] = ["officer", "auxiliary", "station_admin"];

/** 用户: the station admin creates logins, resets passwords, unlocks and disables them. */
export function UsersScreen() {
  const { message } = AntApp.useApp();
  const [users, setUsers] = useState<User[] | null>(null);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [resetting, setResetting] = useState<string | null>(null);
  const [resetError, setResetError] = useState<string | null>(null);
  const [form] = Form.useForm<UserInput>();
  const [resetForm] = Form.useForm<{ new_password: string }>();

  const load = useCallback(() => {
    backend.user
      .list()
      .then((u) => {
        setUsers(u);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message));
  }, []);
  useEffect(() => {
    load();
    backend.officer.list().then(setOfficers, () => setOfficers([]));
  }, [load]);

  const create = async (v: UserInput) => {
    setSaving(true);
    setFormError(null);
    try {
      const u = await backend.user.create(blankToNull(v));
      form.resetFields();
      message.success(`已添加用户 ${u.login}，首次登录须修改密码`);
      load();
    } catch (e) {
      setFormError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };

  const act = async (what: string, f: () => Promise<User>) => {
    try {
      await f();
      message.success(what);
      load();
    } catch (e) {
      message.error(toBackendError(e).message);
    }
  };

  const reset = async (v: { new_password: string }) => {
    if (!resetting) return;
    setResetError(null);
    try {
      await backend.user.setPassword({ login: resetting, old_password: null, new_password: v.new_password });
      message.success(`已重置 ${resetting} 的密码，对方下次登录须修改`);
      setResetting(null);
      resetForm.resetFields();
      load();
    } catch (e) {
      setResetError(showError(resetForm, e));
    }
  };

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Card title="用户">
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Table<User>
          rowKey="id"
          size="middle"
          loading={users === null && !error}
          dataSource={users ?? []}
          pagination={false}
          data-testid="user-table"
          columns={[
            { title: "用户名", dataIndex: "login" },
            { title: "姓名", dataIndex: "name", render: (n: string | null) => n ?? "—" },
            { title: "角色", dataIndex: "role", render: (r: Role) => RoleLabel[r] },
            {
              title: "状态",
              render: (_, u) =>
                u.disabled_at ? (
                  <Tag>已停用</Tag>
                ) : u.locked_until ? (
                  <Tag color="red" data-testid={`locked-${u.login}`}>
                    密码多次错误，锁定至 {beijingTime(u.locked_until)}
                  </Tag>
                ) : u.must_change_password ? (
                  <Tag color="orange">待修改初始密码</Tag>
                ) : (
                  <Tag color="green">正常</Tag>
                ),
            },
            { title: "上次登录", dataIndex: "last_login_at", render: (t: string | null) => (t ? beijingTime(t) : "从未") },
            {
              title: "操作",
              render: (_, u) =>
                u.disabled_at ? null : (
                  <Space size="small">
                    <Button size="small" onClick={() => setResetting(u.login)}>
                      重置密码
                    </Button>
                    {u.locked_until && (
                      <Button
                        size="small"
                        data-testid={`unlock-${u.login}`}
                        onClick={() => act(`已解除 ${u.login} 的锁定`, () => backend.user.unlock(u.login))}
                      >
                        解除锁定
                      </Button>
                    )}
                    <Popconfirm
                      title={`停用 ${u.login}？`}
                      description="停用后该账号不能再登录，记录保留。"
                      okText="停用"
                      cancelText="取消"
                      onConfirm={() => act(`已停用 ${u.login}`, () => backend.user.disable(u.login))}
                    >
                      <Button size="small" danger>
                        停用
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
            },
          ]}
        />
      </Card>
      <Card title="添加用户">
        {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
        {/* Two rows of three, so the list and the form both fit a 768-pixel-high window. */}
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ role: "officer" }} style={{ maxWidth: 960 }}>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item name="login" label="用户名" extra="字母开头，2–32 个字符" rules={[{ required: true, message: "请输入用户名" }]}>
                <Input data-testid="user-login" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="name" label="姓名">
                <Input data-testid="user-name" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="role" label="角色" rules={[{ required: true, message: "请选择角色" }]}>
                <Select options={ROLES.map((r) => ({ value: r, label: RoleLabel[r] }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="officer_id" label="对应的民警、辅警">
                <Select allowClear options={officers.filter((o) => o.active).map((o) => ({ value: o.id, label: `${o.name}（${RoleLabel[o.role]}）` }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="password"
                label="初始密码"
                extra="至少 8 位，含字母和数字；首次登录须修改"
                rules={[{ required: true, message: "请输入初始密码" }]}
              >
                <Input.Password autoComplete="new-password" data-testid="user-password" />
              </Form.Item>
            </Col>
          </Row>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="user-create">
            添加
          </Button>
        </Form>
      </Card>
      <Modal
        open={resetting !== null}
        title={`重置 ${resetting ?? ""} 的密码`}
        okText="重置"
        cancelText="取消"
        onOk={() => resetForm.submit()}
        onCancel={() => {
          setResetting(null);
          setResetError(null);
        }}
        destroyOnHidden
      >
        {resetError && <Alert type="error" showIcon message={resetError} style={{ marginBottom: 16 }} />}
        <Form form={resetForm} layout="vertical" onFinish={reset} preserve={false}>
          <Form.Item name="new_password" label="新密码" rules={[{ required: true, message: "请输入新密码" }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
