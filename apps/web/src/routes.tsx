import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Result, Spin } from 'antd';
import type { Role } from './api';
import { homeOf, useAuth } from './auth';
import { Shell } from './components/Shell';
import { LoginPage } from './pages/Login';
import { PasswordPage } from './pages/Password';

// Only the sign-in screen is in the first download; each page loads when it is first opened
// (the dashboard brings ECharts with it).
const ReceptionPage = lazy(() => import('./pages/Reception').then((m) => ({ default: m.ReceptionPage })));
const CasesPage = lazy(() => import('./pages/Cases').then((m) => ({ default: m.CasesPage })));
const CasePage = lazy(() => import('./pages/Case').then((m) => ({ default: m.CasePage })));
const DashboardPage = lazy(() => import('./pages/Dashboard'));
const AnnualPage = lazy(() => import('./pages/Annual'));
const AdminPage = lazy(() => import('./pages/Admin'));
const TrackPage = lazy(() => import('./pages/Track').then((m) => ({ default: m.TrackPage })));

function Guard({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user, has, expired } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={expired ? { from: location.pathname + location.search } : undefined} />;
  // after an admin's reset nothing else opens until the user has set their own password
  if (user.mustChangePassword) return <Navigate to="/password" replace />;
  if (roles && !has(...roles)) return <Result status="403" title="无权访问" subTitle="您的角色不能使用此页面。" />;
  return <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '80px auto' }} />}>{children}</Suspense>;
}

export function AppRoutes() {
  const { user } = useAuth();
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/password" element={<PasswordPage />} />
      <Route element={<Shell />}>
        <Route path="/" element={user ? <Navigate to={homeOf(user)} replace /> : <Navigate to="/login" replace />} />
        <Route
          path="/reception"
          element={
            <Guard roles={['reception', 'office']}>
              <ReceptionPage />
            </Guard>
          }
        />
        <Route
          path="/cases"
          element={
            <Guard>
              <CasesPage />
            </Guard>
          }
        />
        <Route
          path="/cases/:id"
          element={
            <Guard>
              <CasePage />
            </Guard>
          }
        />
        <Route
          path="/dashboard"
          element={
            <Guard roles={['leader', 'office']}>
              <DashboardPage />
            </Guard>
          }
        />
        <Route
          path="/dashboard/annual"
          element={
            <Guard roles={['leader', 'office']}>
              <AnnualPage />
            </Guard>
          }
        />
        <Route
          path="/admin"
          element={
            <Guard roles={['admin']}>
              <AdminPage />
            </Guard>
          }
        />
        {/* 信访查询: the public, no account (no Guard) */}
        <Route
          path="/track"
          element={
            <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '80px auto' }} />}>
              <TrackPage />
            </Suspense>
          }
        />
        <Route path="*" element={<Result status="404" title="页面不存在" subTitle="请从上方导航进入。" />} />
      </Route>
    </Routes>
  );
}
