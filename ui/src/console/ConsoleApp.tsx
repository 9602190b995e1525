import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { Alert, Button, Layout, Menu, Result, Space, Spin, Tag, Typography } from "antd";
import {
  AlertOutlined,
  BarChartOutlined,
  CalendarOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FireOutlined,
  LogoutOutlined,
  ScheduleOutlined,
  SearchOutlined,
  SendOutlined,
  SettingOutlined,
  StopOutlined,
  TeamOutlined,
  UserOutlined,
} from "@ant-design/icons";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { onSessionRefused, toBackendError } from "../backend";
import { CountyRoleLabel } from "../backend/types";
import type { CountyRole, CountySessionInfo } from "../backend/types";
import { useIdleLock } from "../components/useIdleLock";
import { hq } from "./api";
import { ConsoleLogin } from "./Login";
import { ChangeOwnPassword } from "./ChangeOwnPassword";
import { OverviewScreen } from "./screens/Overview";
import { RoleContext } from "./role";

// 总览 is the first screen after login and comes with the main bundle; the others load when
// first opened.
const StatsScreen = lazy(() => import("./screens/Stats").then((m) => ({ default: m.StatsScreen })));
const OverdueScreen = lazy(() => import("./screens/Overdue").then((m) => ({ default: m.OverdueScreen })));
const AssignmentsScreen = lazy(() => import("./screens/Assignments").then((m) => ({ default: m.AssignmentsScreen })));
const AlarmsScreen = lazy(() => import("./screens/Alarms").then((m) => ({ default: m.AlarmsScreen })));
const RefusalsScreen = lazy(() => import("./screens/Refusals").then((m) => ({ default: m.RefusalsScreen })));
const SearchScreen = lazy(() => import("./screens/PersonSearch").then((m) => ({ default: m.PersonSearchScreen })));
const PostsScreen = lazy(() => import("./screens/Posts").then((m) => ({ default: m.PostsScreen })));
const UsersScreen = lazy(() => import("./screens/Users").then((m) => ({ default: m.UsersScreen })));
const WarningsScreen = lazy(() => import("./screens/Warnings").then((m) => ({ default: m.WarningsScreen })));
const DuplicatesScreen = lazy(() => import("./screens/Duplicates").then((m) => ({ default: m.DuplicatesScreen })));
const CalendarScreen = lazy(() => import("./screens/Calendar").then((m) => ({ default: m.CalendarScreen })));
const WarningRulesScreen = lazy(() => import("./screens/WarningRules").then((m) => ({ default: m.WarningRulesScreen })));
const RecordScreen = lazy(() => import("./screens/Record").then((m) => ({ default: m.RecordScreen })));

/**
 * The screens, and which roles they are offered to. What a role may do is decided by the
 * core on every call; this only keeps out of the menu what the core would refuse.
 */
const SCREENS: { key: string; icon: React.ReactNode; label: string; roles: CountyRole[] }[] = [
  { key: "/overview", icon: <DashboardOutlined />, label: "总览", roles: ["county_admin", "supervisor", "station_leader", "viewer"] },
  { key: "/stats", icon: <BarChartOutlined />, label: "统计", roles: ["county_admin", "supervisor", "station_leader", "viewer"] },
  { key: "/warnings", icon: <FireOutlined />, label: "风险预警", roles: ["county_admin", "supervisor", "station_leader", "viewer"] },
  { key: "/overdue", icon: <ScheduleOutlined />, label: "督办", roles: ["county_admin", "supervisor", "station_leader"] },
  { key: "/assignments", icon: <SendOutlined />, label: "指派", roles: ["county_admin", "supervisor", "station_leader"] },
  { key: "/alarms", icon: <AlertOutlined />, label: "审计告警", roles: ["county_admin", "supervisor", "station_leader"] },
  { key: "/duplicates", icon: <TeamOutlined />, label: "疑似重复人员", roles: ["county_admin", "supervisor", "station_leader"] },
  { key: "/refusals", icon: <StopOutlined />, label: "未采用", roles: ["county_admin", "supervisor", "station_leader"] },
  { key: "/search", icon: <SearchOutlined />, label: "人员查询", roles: ["county_admin", "supervisor", "station_leader"] },
  { key: "/posts", icon: <ClusterOutlined />, label: "警务室", roles: ["county_admin", "supervisor", "station_leader", "viewer"] },
  { key: "/users", icon: <UserOutlined />, label: "用户", roles: ["county_admin"] },
  { key: "/warning-rules", icon: <SettingOutlined />, label: "预警规则", roles: ["county_admin"] },
  { key: "/calendar", icon: <CalendarOutlined />, label: "工作日历", roles: ["county_admin", "supervisor", "station_leader", "viewer"] },
];

export function ConsoleApp() {
  // undefined: asking the server; null: nobody logged in.
  const [session, setSession] = useState<CountySessionInfo | null | undefined>(undefined);
  const [reason, setReason] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const navigate = useNavigate();
  const location = useLocation();

  const load = useCallback(() => {
    hq.session()
      .then((s) => {
        setSession(s);
        setError(null);
      })
      .catch((e) => {
        const err = toBackendError(e);
        if (err.code === "unauthenticated") setSession(null);
        else setError(err.message);
      });
  }, []);
  useEffect(load, [load]);

  // The core ended the session (idle timeout, logout elsewhere): back to the login.
  useEffect(
    () =>
      onSessionRefused((e) => {
        if (e.code === "password_change_required") load();
        else {
          setReason(e.message);
          setSession(null);
        }
      }),
    [load],
  );
  useIdleLock(session?.idle_minutes ?? null, !!session, () => {
    hq.logout()
      .catch(() => {})
      .finally(() => {
        setReason(`已超过 ${session?.idle_minutes ?? ""} 分钟未操作，已退出登录，请重新登录`);
        setSession(null);
      });
  });

  const logout = () => {
    hq.logout()
      .catch(() => {})
      .finally(() => {
        setReason(null);
        setSession(null);
        navigate("/overview");
      });
  };

  if (error)
    return <Result status="error" title="无法连接县局服务" subTitle={error} extra={<Button onClick={load}>重试</Button>} />;
  if (session === undefined) return <Spin size="large" style={{ display: "block", margin: "30vh auto" }} />;
  if (session === null)
    return (
      <ConsoleLogin
        reason={reason}
        onLoggedIn={(s) => {
          setReason(null);
          setSession(s);
        }}
      />
    );
  if (session.must_change_password) return <ChangeOwnPassword session={session} onChanged={setSession} onLogout={logout} />;

  const mine = SCREENS.filter((s) => s.roles.includes(session.role));
  const selected = mine.find((s) => location.pathname.startsWith(s.key))?.key ?? "";
  return (
    <RoleContext.Provider value={session}>
      <Layout style={{ minHeight: "100vh" }}>
        <Layout.Sider width={184} theme="light" style={{ borderRight: "1px solid #f0f0f0" }}>
          <div style={{ padding: "16px 20px 12px", fontWeight: 600, fontSize: 16 }} data-testid="hq-name">
            {session.hq_name}
          </div>
          <Menu
            mode="inline"
            selectedKeys={[selected]}
            items={mine.map(({ key, icon, label }) => ({ key, icon, label }))}
            onClick={(e) => navigate(e.key)}
            style={{ borderInlineEnd: "none" }}
          />
        </Layout.Sider>
        <Layout>
          <Layout.Header
            style={{ background: "#fff", padding: "0 24px", display: "flex", justifyContent: "flex-end", borderBottom: "1px solid #f0f0f0" }}
          >
            <Space>
              <Typography.Text data-testid="who">{session.name ?? session.login}</Typography.Text>
              <Tag color="blue">{CountyRoleLabel[session.role]}</Tag>
              {session.station_name && <Tag>{session.station_name}</Tag>}
              <Button icon={<LogoutOutlined />} onClick={logout} data-testid="logout">
                退出
              </Button>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ padding: 20 }}>
            <Suspense fallback={<Spin style={{ display: "block", margin: "20vh auto" }} />}>
              <Routes>
                <Route path="/overview" element={<OverviewScreen />} />
                <Route path="/stats" element={<StatsScreen />} />
                <Route path="/warnings" element={<WarningsScreen />} />
                <Route path="/overdue" element={<OverdueScreen />} />
                <Route path="/duplicates" element={<DuplicatesScreen />} />
                <Route path="/warning-rules" element={<WarningRulesScreen />} />
                <Route path="/calendar" element={<CalendarScreen />} />
                <Route path="/assignments" element={<AssignmentsScreen />} />
                <Route path="/alarms" element={<AlarmsScreen />} />
                <Route path="/refusals" element={<RefusalsScreen />} />
                <Route path="/search" element={<SearchScreen />} />
                <Route path="/posts" element={<PostsScreen />} />
                <Route path="/users" element={<UsersScreen />} />
                <Route path="/record/:table/:id" element={<RecordScreen />} />
                <Route path="*" element={<Navigate to="/overview" replace />} />
              </Routes>
            </Suspense>
          </Layout.Content>
        </Layout>
      </Layout>
    </RoleContext.Provider>
  );
}

/** A refusal or failure shown above a screen's content. */
export function ErrorLine({ error }: { error: string | null }) {
  return error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="screen-error" /> : null;
}
