import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { Layout, Menu, Button, Result, Spin, Space, Tooltip } from "antd";
import {
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  FileDoneOutlined,
  HomeOutlined,
  SafetyOutlined,
  SearchOutlined,
  SettingOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { backend, BackendError, toBackendError } from "./backend";
import type { Post } from "./backend";
import { HomeScreen } from "./screens/home/HomeScreen";
import { HouseholdsScreen } from "./screens/people/HouseholdsScreen";
import { HouseholdCard } from "./screens/people/HouseholdCard";
import { DisputesScreen } from "./screens/disputes/DisputesScreen";
import { DisputeCase } from "./screens/disputes/DisputeCase";
import { ErrandsScreen } from "./screens/errands/ErrandsScreen";
import { IncidentsScreen } from "./screens/incidents/IncidentsScreen";
import { SettingsScreen } from "./screens/settings/SettingsScreen";
import { FirstRun } from "./screens/firstrun/FirstRun";
import { SearchPalette } from "./screens/search/SearchPalette";
import { PostContext } from "./components/PostContext";
// Loaded when first opened, so the first screen comes up sooner.
const PreventionScreen = lazy(() => import("./screens/prevention/PreventionScreen").then((m) => ({ default: m.PreventionScreen })));
const ReportsScreen = lazy(() => import("./screens/reports/ReportsScreen").then((m) => ({ default: m.ReportsScreen })));

const { Sider, Content } = Layout;

/** The screens in the side menu, with Alt+digit shortcuts. */
const SCREENS = [
  { key: "/", icon: <HomeOutlined />, label: "首页" },
  { key: "/people", icon: <TeamOutlined />, label: "户籍人员" },
  { key: "/disputes", icon: <AuditOutlined />, label: "矛盾纠纷" },
  { key: "/errands", icon: <FileDoneOutlined />, label: "代办" },
  { key: "/incidents", icon: <AlertOutlined />, label: "警情" },
  { key: "/prevention", icon: <SafetyOutlined />, label: "群防群治" },
  { key: "/reports", icon: <BarChartOutlined />, label: "报表" },
  { key: "/settings", icon: <SettingOutlined />, label: "设置" },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export function App() {
  const [post, setPost] = useState<Post | null | undefined>(undefined);
  const [error, setError] = useState<BackendError | null>(null);
  const [searchOpen, setSearchOpen] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  const load = useCallback(() => {
    backend.post
      .get()
      .then((p) => {
        setPost(p);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e)));
  }, []);
  useEffect(load, [load]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setSearchOpen(true);
      } else if (e.key === "/" && !isTyping(e.target)) {
        e.preventDefault();
        setSearchOpen(true);
      } else if (e.altKey && /^[1-9]$/.test(e.key)) {
        const s = SCREENS[Number(e.key) - 1];
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
  if (post === undefined) {
    return <Spin size="large" tip="正在打开数据库…" fullscreen />;
  }
  if (post === null) {
    return <FirstRun onDone={load} />;
  }

  const selected = SCREENS.filter((s) => s.key !== "/" && location.pathname.startsWith(s.key)).map((s) => s.key);
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
            items={SCREENS.map((s, i) => ({
              key: s.key,
              icon: s.icon,
              label: (
                <span title={`Alt+${i + 1}`} data-testid={`nav-${s.key}`}>
                  {s.label}
                </span>
              ),
            }))}
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
        <Content className="fq-content">
          <Routes>
            <Route path="/" element={<HomeScreen onSearch={() => setSearchOpen(true)} />} />
            <Route path="/people" element={<HouseholdsScreen />} />
            <Route path="/households/:id" element={<HouseholdCard />} />
            <Route path="/disputes" element={<DisputesScreen />} />
            <Route path="/disputes/:id" element={<DisputeCase />} />
            <Route path="/errands" element={<ErrandsScreen />} />
            <Route path="/incidents" element={<IncidentsScreen />} />
            <Route path="/prevention" element={<Suspense fallback={<Spin />}><PreventionScreen /></Suspense>} />
            <Route path="/reports" element={<Suspense fallback={<Spin />}><ReportsScreen /></Suspense>} />
            <Route path="/settings" element={<SettingsScreen />} />
            <Route path="*" element={<Navigate to="/" />} />
          </Routes>
        </Content>
        <SearchPalette open={searchOpen} onClose={() => setSearchOpen(false)} />
      </Layout>
    </PostContext.Provider>
  );
}
