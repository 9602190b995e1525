import { useCallback, useEffect, useState } from "react";
import { App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { toBackendError } from "../../backend";
import { CountyRoleLabel } from "../../backend/types";
import type { CountyRole, CountyUser, CountyUserInput } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { useStations, when } from "./common";

/**
 * 用户: county accounts (county admin only): create one with an initial password (changed
 * at first login, when the phone's authenticator is also set up), disable, unlock after
 * repeated failures, reset a forgotten password or a lost phone.
 */
export function UsersScreen() {
  const { message } = App.useApp();
  const stations = useStations();
  const [users, setUsers] = useState<CountyUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<CountyUser | null>(null);
  const load = useCallback(() => {
    hq.users()
      .then((u) => {
        setUsers(u);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message));
  }, []);
  useEffect(load, [load]);
  const act = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
      message.success(what);
      load();
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };
  return (
    <Card
      size="small"
      title="县局账号"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="user-create">
          新增账号
        </Button>
      }
    >
      <ErrorLine error={error} />
      <Table<CountyUser>
        rowKey="login"
        size="small"
        dataSource={users}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="users"
        columns={[
          { title: "用户名", dataIndex: "login" },
          { title: "姓名", dataIndex: "name", render: (v) => v ?? "—" },
          { title: "角色", dataIndex: "role", render: (r: CountyRole, u) => `${CountyRoleLabel[r]}${u.station_name ? `（${u.station_name}）` : ""}` },
          { title: "动态口令", dataIndex: "totp_enrolled", render: (v: boolean) => (v ? <Tag color="green">已绑定</Tag> : <Tag>首次登录时绑定</Tag>) },
          { title: "上次登录", dataIndex: "last_login_at", width: 150, render: when },
          {
            title: "状态",
            render: (_, u) =>
              u.disabled_at ? <Tag>已停用</Tag> : u.locked_until ? <Tag color="red">锁定至 {when(u.locked_until)}</Tag> : <Tag color="blue">启用</Tag>,
          },
          {
            title: "",
            width: 320,
            render: (_, u) =>
              !u.disabled_at && (
                <Space size={4}>
                  {u.locked_until && (
                    <Button size="small" onClick={() => void act(`已解除“${u.login}”的锁定`, () => hq.userUnlock(u.login))}>
                      解除锁定
                    </Button>
                  )}
                  <Button size="small" onClick={() => setResetting(u)}>
                    重置密码
                  </Button>
                  <Popconfirm
                    title="重置动态口令？"
                    description="用于手机丢失或更换：对方下次登录时重新绑定手机验证器。"
                    okButtonProps={{ "data-testid": "reset-totp-confirm" }}
                    onConfirm={() => void act(`已重置“${u.login}”的动态口令`, () => hq.userResetTotp(u.login))}
                  >
                    <Button size="small" data-testid="reset-totp">
                      重置动态口令
                    </Button>
                  </Popconfirm>
                  <Popconfirm title={`停用“${u.login}”？`} onConfirm={() => void act(`已停用“${u.login}”`, () => hq.userDisable(u.login))}>
                    <Button size="small" danger>
                      停用
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <CreateUser open={creating} stations={stations} onClose={() => setCreating(false)} onCreated={load} />
      <ResetPassword user={resetting} onClose={() => setResetting(null)} onDone={load} />
    </Card>
  );
}

const ROLES: CountyRole[] = ["county_admin", "supervisor", "station_leader", "viewer"];

function CreateUser({ open, stations, onClose, onCreated }: { open: boolean; stations: { id: string; name: string }[]; onClose: () => void; onCreated: () => void }) {
  const [form] = Form.useForm<CountyUserInput>();
  const [error, setError] = useState<string | null>(null);
  const role = Form.useWatch("role", form);
  const submit = async (v: CountyUserInput) => {
    try {
      await hq.userCreate({ ...v, name: v.name || null, station_id: v.station_id ?? null });
      form.resetFields();
      setError(null);
      onCreated();
      onClose();
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };
  return (
    <Modal
      title="新增县局账号"
      open={open}
      onOk={() => form.submit()}
      onCancel={onClose}
      okText="新增"
      okButtonProps={{ "data-testid": "new-user-submit" }}
      destroyOnHidden
    >
      <ErrorLine error={error} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ role: "supervisor" }}>
        <Form.Item name="login" label="用户名" rules={[{ required: true, message: "请输入用户名" }]}>
          <Input data-testid="new-login" />
        </Form.Item>
        <Form.Item name="name" label="姓名">
          <Input data-testid="new-name" />
        </Form.Item>
        <Form.Item name="role" label="角色" rules={[{ required: true }]}>
          <Select options={ROLES.map((r) => ({ value: r, label: CountyRoleLabel[r] }))} data-testid="new-role" />
        </Form.Item>
        {role === "station_leader" && (
          <Form.Item name="station_id" label="所属派出所" rules={[{ required: true, message: "派出所负责人须选择所属派出所" }]}>
            <Select options={stations.map((s) => ({ value: s.id, label: s.name }))} data-testid="new-station" />
          </Form.Item>
        )}
        <Form.Item name="password" label="初始密码（首次登录须修改）" rules={[{ required: true, message: "请输入初始密码" }]}>
          <Input.Password autoComplete="new-password" data-testid="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ResetPassword({ user, onClose, onDone }: { user: CountyUser | null; onClose: () => void; onDone: () => void }) {
  const [form] = Form.useForm<{ new_password: string }>();
  const [error, setError] = useState<string | null>(null);
  const submit = async ({ new_password }: { new_password: string }) => {
    if (!user) return;
    try {
      await hq.userResetPassword(user.login, new_password);
      form.resetFields();
      setError(null);
      onDone();
      onClose();
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };
  return (
    <Modal title={`重置“${user?.login ?? ""}”的密码`} open={!!user} onOk={() => form.submit()} onCancel={onClose} okText="重置" destroyOnHidden>
      <ErrorLine error={error} />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="new_password" label="新的初始密码（对方下次登录须修改）" rules={[{ required: true, message: "请输入新密码" }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
