import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { Layout, Menu, Button, Result, Spin, Space, Tooltip, Modal } from "antd";
import {
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  FileDoneOutlined,
  HeartOutlined,
  BankOutlined,
  HomeOutlined,
  SafetyOutlined,
  SearchOutlined,
  SettingOutlined,
  TeamOutlined,
  TrophyOutlined,
} from "@ant-design/icons";
import { CloudSyncOutlined, FileSearchOutlined, LogoutOutlined, SaveOutlined, UserOutlined } from "@ant-design/icons";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { backend, BackendError, toBackendError } from "./backend";
import type { Post } from "./backend";
import { onSessionRefused } from "./backend";
import { useIdleLock } from "./components/useIdleLock";
import { RoleLabel } from "./backend/types";
import type { SessionInfo } from "./backend";
import { LoginForm, LoginScreen } from "./screens/login/LoginForm";
import { ForcedPasswordChange } from "./screens/login/ChangePassword";
import { HomeScreen } from "./screens/home/HomeScreen";
import { FirstRun } from "./screens/firstrun/FirstRun";
import { SearchPalette } from "./screens/search/SearchPalette";
import { PostContext } from "./components/PostContext";
// The first screens (login, first run, 首页) are in the main bundle; every other screen is
// loaded when first opened, so the first screen comes up sooner and the web process parses
// and keeps only the code the officer actually uses.
const UsersScreen = lazy(() => import("./screens/users/UsersScreen").then((m) => ({ default: m.UsersScreen })));
const AuditScreen = lazy(() => import("./screens/audit/AuditScreen").then((m) => ({ default: m.AuditScreen })));
const BackupScreen = lazy(() => import("./screens/backup/BackupScreen").then((m) => ({ default: m.BackupScreen })));
const SyncScreen = lazy(() => import("./screens/sync/SyncScreen").then((m) => ({ default: m.SyncScreen })));
const HouseholdsScreen = lazy(() => import("./screens/people/HouseholdsScreen").then((m) => ({ default: m.HouseholdsScreen })));
const HouseholdCard = lazy(() => import("./screens/people/HouseholdCard").then((m) => ({ default: m.HouseholdCard })));
const DisputesScreen = lazy(() => import("./screens/disputes/DisputesScreen").then((m) => ({ default: m.DisputesScreen })));
const DisputeCase = lazy(() => import("./screens/disputes/DisputeCase").then((m) => ({ default: m.DisputeCase })));
const ErrandsScreen = lazy(() => import("./screens/errands/ErrandsScreen").then((m) => ({ default: m.ErrandsScreen })));
const IncidentsScreen = lazy(() => import("./screens/incidents/IncidentsScreen").then((m) => ({ default: m.IncidentsScreen })));
const SettingsScreen = lazy(() => import("./screens/settings/SettingsScreen").then((m) => ({ default: m.SettingsScreen })));
const PreventionScreen = lazy(() => import("./screens/prevention/PreventionScreen").then((m) => ({ default: m.PreventionScreen })));
const CareScreen = lazy(() => import("./screens/care/CareScreen").then((m) => ({ default: m.CareScreen })));
const StationsScreen = lazy(() => import("./screens/stations/StationsScreen").then((m) => ({ default: m.StationsScreen })));
const StationPage = lazy(() => import("./screens/stations/StationPage").then((m) => ({ default: m.StationPage })));
const CarePlanPage = lazy(() => import("./screens/care/CarePlanPage").then((m) => ({ default: m.CarePlanPage })));
const CounselScreen = lazy(() => import("./screens/counsel/CounselScreen").then((m) => ({ default: m.CounselScreen })));
const AwardsScreen = lazy(() => import("./screens/awards/AwardsScreen").then((m) => ({ default: m.AwardsScreen })));
const ReportsScreen = lazy(() => import("./screens/reports/ReportsScreen").then((m) => ({ default: m.ReportsScreen })));

const { Sider, Content } = Layout;

/** The screens in the side menu, with Alt+digit shortcuts (Alt+0 the tenth). */
const SCREENS = [
  { key: "/", icon: <HomeOutlined />, label: "首页" },
  { key: "/people", icon: <TeamOutlined />, label: "户籍人员" },
  { key: "/disputes", icon: <AuditOutlined />, label: "矛盾纠纷" },
  { key: "/errands", icon: <FileDoneOutlined />, label: "代办" },
  { key: "/incidents", icon: <AlertOutlined />, label: "警情" },
  { key: "/prevention", icon: <SafetyOutlined />, label: "群防群治" },
  { key: "/awards", icon: <TrophyOutlined />, label: "表彰奖励" },
  { key: "/care", icon: <HeartOutlined />, label: "结对帮扶" },
  { key: "/counsel", icon: <BankOutlined />, label: "法律顾问" },
  { key: "/reports", icon: <BarChartOutlined />, label: "报表" },
  { key: "/settings", icon: <SettingOutlined />, label: "设置" },
];

/** Screens after the daily ones: sync for everyone, the rest for the station admin only
 * (the core refuses others anyway). */
const MORE_SCREENS = [
  { key: "/sync", icon: <CloudSyncOutlined />, label: "同步", admin: false },
  { key: "/users", icon: <UserOutlined />, label: "用户", admin: true },
  { key: "/audit", icon: <FileSearchOutlined />, label: "审计日志", admin: true },
  { key: "/backup", icon: <SaveOutlined />, label: "备份", admin: true },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export function App() {
  const [session, setSession] = useState<SessionInfo | undefined>(undefined);
  const [relogin, setRelogin] = useState<string | null>(null);
  const [post, setPost] = useState<Post | null | undefined>(undefined);
  const [error, setError] = useState<BackendError | null>(null);
  const [searchOpen, setSearchOpen] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  const load = useCallback(() => {
    backend.session
      .current()
      .then((s) => {
        setSession(s);
        if (s.mode === "logged_out" || s.must_change_password) return;
        return backend.post.get().then((p) => {
          setPost(p);
          setError(null);
        });
      })
      .catch((e) => setError(toBackendError(e)));
  }, []);
  useEffect(load, [load]);

  // Once the first screen (login, first run or home) is up, tell the shell (cold-start figure).
  const firstShown = useRef(false);
  useEffect(() => {
    if (firstShown.current || session === undefined || (session.mode !== "logged_out" && post === undefined)) return;
    firstShown.current = true;
    backend.firstScreen().catch(() => {});
  }, [session, post]);

  // The core ended the session (idle timeout): ask for the login over the open screen, so
  // whatever the officer typed stays where it is.
  useEffect(
    () =>
      onSessionRefused((e) => {
        if (e.code === "password_change_required") load();
        else setRelogin(e.message);
      }),
    [load],
  );
  // No input for as long as the core keeps an idle session: end the session and lock the
  // screen now, rather than at the next call, so nobody reads residents' records off it.
  useIdleLock(session?.mode === "logged_in" ? session.idle_minutes : null, relogin === null, () => {
    const reason = `已超过 ${session?.idle_minutes ?? ""} 分钟未操作，屏幕已锁定，请重新登录`;
    backend.session
      .logout()
      .catch(() => {})
      .finally(() => setRelogin(reason));
  });
  const loggedIn = (s: SessionInfo) => {
    setRelogin(null);
    setSession(s);
    load();
  };
  const logout = () => {
    backend.session
      .logout()
      .then((s) => {
        setSession(s);
        setPost(undefined);
        navigate("/");
      })
      .catch((e) => setError(toBackendError(e)));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setSearchOpen(true);
      } else if (e.key === "/" && !isTyping(e.target)) {
        e.preventDefault();
        setSearchOpen(true);
      } else if (e.altKey && /^[0-9]$/.test(e.key)) {
        const s = SCREENS[(Number(e.key) + 9) % 10];
        if (s) {
          e.preventDefault();
          navigate(s.key);
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate]);

  if (error) {
    return (
      <Result
        status="error"
        title="无法打开数据库"
        subTitle={error.message}
        extra={<Button onClick={load}>重试</Button>}
      />
    );
  }
  if (session?.mode === "logged_out" && !relogin) {
    return <LoginScreen onLoggedIn={loggedIn} />;
  }
  if (session?.mode === "logged_in" && session.must_change_password) {
    return <ForcedPasswordChange login={session.login ?? ""} onDone={load} />;
  }
  if (post === undefined) {
    return <Spin size="large" tip="正在打开数据库…" fullscreen />;
  }
  if (post === null) {
    return <FirstRun onDone={load} setupMode={session?.mode === "setup"} onAdminCreated={loggedIn} />;
  }
  const isAdmin = session?.role === "station_admin";
  const more = MORE_SCREENS.filter((s) => !s.admin || isAdmin);

  const selected = [...SCREENS, ...more].filter((s) => s.key !== "/" && location.pathname.startsWith(s.key)).map((s) => s.key);
  const householdOpen = location.pathname.startsWith("/households");
  return (
    <PostContext.Provider value={{ post, reload: load }}>
      <Layout style={{ height: "100%" }}>
        <Sider width={184} theme="dark">
          <div className="fq-brand">
            枫桥警务台账
            <small>{post.name}</small>
          </div>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={householdOpen ? ["/people"] : selected.length ? selected : ["/"]}
            items={[
              ...SCREENS.map((s, i) => ({
                key: s.key,
                icon: s.icon,
                label: (
                  <span title={i < 10 ? `Alt+${(i + 1) % 10}` : undefined} data-testid={`nav-${s.key}`}>
                    {s.label}
                  </span>
                ),
              })),
              ...more.map((s) => ({
                key: s.key,
                icon: s.icon,
                label: <span data-testid={`nav-${s.key}`}>{s.label}</span>,
              })),
            ]}
            onClick={(e) => navigate(e.key)}
          />
          <Space style={{ padding: "16px 20px" }}>
            <Tooltip title="Ctrl+K 或 / 随时打开查找">
              <Button icon={<SearchOutlined />} onClick={() => setSearchOpen(true)} data-testid="open-search">
                查找人员 <span className="fq-kbd">Ctrl K</span>
              </Button>
            </Tooltip>
          </Space>
        </Sider>
        <Layout>
        {session?.mode === "logged_in" && (
          <div className="fq-userbar" data-testid="userbar">
            <UserOutlined /> {session.login}
            {session.role && `（${RoleLabel[session.role]}）`}
            <Button type="link" size="small" icon={<LogoutOutlined />} onClick={logout} data-testid="logout">
              退出登录
            </Button>
          </div>
        )}
        <Content className="fq-content">
          <Suspense fallback={<Spin />}>
          <Routes>
            <Route path="/" element={<HomeScreen onSearch={() => setSearchOpen(true)} />} />
            <Route path="/people" element={<HouseholdsScreen />} />
            <Route path="/households/:id" element={<HouseholdCard />} />
            <Route path="/disputes" element={<DisputesScreen />} />
            <Route path="/disputes/:id" element={<DisputeCase />} />
            <Route path="/errands" element={<ErrandsScreen />} />
            <Route path="/incidents" element={<IncidentsScreen />} />
            <Route path="/prevention" element={<Suspense fallback={<Spin />}><PreventionScreen /></Suspense>} />
            <Route path="/errands/stations" element={<StationsScreen />} />
            <Route path="/errands/stations/:id" element={<StationPage />} />
            <Route path="/care" element={<CareScreen />} />
            <Route path="/awards" element={<AwardsScreen />} />
            <Route path="/care/:id" element={<CarePlanPage />} />
            <Route path="/counsel" element={<CounselScreen />} />
            <Route path="/reports" element={<Suspense fallback={<Spin />}><ReportsScreen /></Suspense>} />
            <Route path="/settings" element={<SettingsScreen />} />
            <Route path="/sync" element={<SyncScreen isAdmin={isAdmin || session?.mode === "setup"} />} />
            {isAdmin && <Route path="/users" element={<UsersScreen />} />}
            {isAdmin && <Route path="/audit" element={<AuditScreen />} />}
            {isAdmin && <Route path="/backup" element={<BackupScreen />} />}
            <Route path="*" element={<Navigate to="/" />} />
          </Routes>
          </Suspense>
        </Content>
        </Layout>
        <SearchPalette open={searchOpen} onClose={() => setSearchOpen(false)} />
        {relogin !== null && (
          <Modal
            open
            title="请重新登录"
            footer={null}
            closable={false}
            maskClosable={false}
            keyboard={false}
            // Opaque: the records behind stay in place for after the login, out of sight.
            styles={{ mask: { backgroundColor: "rgba(24, 36, 60, 0.97)" } }}
            data-testid="relogin"
          >
            <LoginForm reason={relogin} onLoggedIn={loggedIn} />
          </Modal>
        )}
      </Layout>
    </PostContext.Provider>
  );
}
