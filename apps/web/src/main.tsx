import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { AuthProvider } from './auth';
import { AppRoutes } from './routes';
import './styles.css';
import { nameListboxes } from './a11y';

dayjs.locale('zh-cn');

/** The office's red; secondary texts dark enough for WCAG AA contrast (antd's defaults are not). */
const THEME = {
  token: {
    colorPrimary: '#b4232a',
    colorLink: '#0d47a1',
    colorError: '#cf1322',
    colorSuccess: '#237804',
    colorWarning: '#ad6800',
    colorLinkHover: '#1565c0',
    borderRadius: 4,
    colorTextSecondary: 'rgba(0, 0, 0, 0.66)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.66)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
    // people who asked their system for less motion get none
    motion: !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches,
  },
};

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (n, err) => n < 2 && (err as { status?: number }).status === 0, refetchOnWindowFocus: false, staleTime: 10_000 },
  },
});

nameListboxes();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* autoInsertSpace off: "确定" stays "确定" (antd would render "确 定"), as people and manuals name the buttons */}
    <ConfigProvider locale={zhCN} button={{ autoInsertSpace: false }} theme={THEME}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <AuthProvider>
              <AppRoutes />
            </AuthProvider>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
