import { useCallback, useEffect, useState } from "react";
import { Alert, App as AntApp, Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Select, Space, Table, Tag } from "antd";
import { beijingTime } from "../../components/time";
import { backend, toBackendError } from "../../backend";
import { RoleLabel } from "../../backend/types";
import type { Role, User, UserInput } from "../../backend";
import { blankToNull } from "../../components/formErrors";
import { officerOptions, useOfficers } from "../../components/refs";
import { useSave } from "../../components/useSave";
import { Field } from "../../components/Field";

const ROLES: Role[] = ["officer", "auxiliary", "station_admin"];

/** 重置密码: a new password the user must change at their next login. */
function ResetPasswordForm({ login, onDone }: { login: string; onDone: (u: User) => void }) {
  const { formProps, saving, alert } = useSave((v: { new_password: string }) => backend.user.setPassword({ login, old_password: null, new_password: v.new_password }), onDone);
  return (
    <Form {...formProps} layout="vertical">
      {alert}
      <Field name="new_password" label="新密码" rules={[{ required: true, message: "请输入新密码" }]}><Input.Password autoComplete="new-password" /></Field>
      <Button type="primary" htmlType="submit" loading={saving}>
        重置
      </Button>
    </Form>
  );
}

/** 用户: the station admin creates logins, resets passwords, unlocks and disables them. */
export function UsersScreen() {
  const { message } = AntApp.useApp();
  const [users, setUsers] = useState<User[] | null>(null);
  const officers = useOfficers();
  const [error, setError] = useState<string | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);

  const load = useCallback(() => {
    backend.user
      .list()
      .then((u) => {
        setUsers(u);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message));
  }, []);
  useEffect(load, [load]);

  const create = useSave(
    (v: UserInput) => backend.user.create(blankToNull(v)),
    (u) => {
      message.success(`已添加用户 ${u.login}，首次登录须修改密码`);
      load();
    },
    { reset: true },
  );

  const act = async (what: string, f: () => Promise<User>) => {
    try {
      await f();
      message.success(what);
      load();
    } catch (e) {
      message.error(toBackendError(e).message);
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
                      description="停用后该账号不能再登录，记录保留；数据库密钥随即更换，该账号知道的旧密钥不再能打开数据库。"
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
        {create.alert}
        {/* Two rows of three, so the list and the form both fit a 768-pixel-high window. */}
        <Form {...create.formProps} layout="vertical" initialValues={{ role: "officer" }} style={{ maxWidth: 960 }}>
          <Row gutter={16}>
            <Field span={8} name="login" label="用户名" extra="字母开头，2–32 个字符" rules={[{ required: true, message: "请输入用户名" }]}><Input data-testid="user-login" /></Field>
            <Field span={8} name="name" label="姓名"><Input data-testid="user-name" /></Field>
            <Field span={8} name="role" label="角色" rules={[{ required: true, message: "请选择角色" }]}><Select options={ROLES.map((r) => ({ value: r, label: RoleLabel[r] }))} /></Field>
            <Field span={8} name="officer_id" label="对应的民警、辅警"><Select allowClear options={officerOptions(officers)} /></Field>
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
          <Button type="primary" htmlType="submit" loading={create.saving} data-testid="user-create">
            添加
          </Button>
        </Form>
      </Card>
      <Modal open={resetting !== null} title={`重置 ${resetting ?? ""} 的密码`} footer={null} onCancel={() => setResetting(null)} destroyOnHidden>
        {resetting && (
          <ResetPasswordForm
            login={resetting}
            onDone={(u) => {
              message.success(`已重置 ${u.login} 的密码，对方下次登录须修改`);
              setResetting(null);
              load();
            }}
          />
        )}
      </Modal>
    </Space>
  );
}
