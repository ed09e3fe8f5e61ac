import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { post, session, type Role, type SignedIn, type User } from './api';

/** The signed-in user; `mustChangePassword` after an admin's reset, until they set their own. */
export type SessionUser = User & { mustChangePassword?: boolean };

interface AuthState {
  user: SessionUser | null;
  /** The session ended by itself (token expired): sign-in returns to the page left behind. */
  expired: boolean;
  login(username: string, password: string): Promise<SessionUser>;
  logout(): void;
  /** 修改密码: the answer carries new tokens (every other session of the user ends). */
  changePassword(currentPassword: string, newPassword: string): Promise<SessionUser>;
  has(...roles: Role[]): boolean;
}

const USER_KEY = 'xf.user';
const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [user, setUser] = useState<SessionUser | null>(() => {
    const raw = sessionStorage.getItem(USER_KEY);
    return raw && session.token ? (JSON.parse(raw) as SessionUser) : null;
  });
  const keep = useCallback((u: SessionUser | null) => {
    if (u) sessionStorage.setItem(USER_KEY, JSON.stringify(u));
    else sessionStorage.removeItem(USER_KEY);
    setUser(u);
  }, []);

  const [expired, setExpired] = useState(false);
  const end = useCallback(
    (byItself: boolean) => {
      session.set(null);
      queries.clear();
      setExpired(byItself);
      keep(null);
    },
    [queries, keep],
  );
  const logout = useCallback(() => {
    const refreshToken = session.refreshToken;
    end(false);
    // ends the session on the server too (its tokens stop working); nothing to wait for
    if (refreshToken) void post('/auth/logout', { refreshToken }).catch(() => undefined);
  }, [end]);

  useEffect(() => session.onUnauthorized(() => end(true)), [end]);
  useEffect(
    () =>
      session.onPasswordChangeRequired(() => {
        const raw = sessionStorage.getItem(USER_KEY);
        if (raw) keep({ ...(JSON.parse(raw) as SessionUser), mustChangePassword: true });
      }),
    [keep],
  );

  const signedIn = useCallback(
    (data: SignedIn): SessionUser => {
      session.set(data);
      const u: SessionUser = { ...data.user, mustChangePassword: data.mustChangePassword };
      setExpired(false);
      keep(u);
      return u;
    },
    [keep],
  );

  const login = useCallback(
    async (username: string, password: string) => {
      const { data } = await post<SignedIn>('/auth/login', { username, password });
      return signedIn(data);
    },
    [signedIn],
  );

  const changePassword = useCallback(
    async (currentPassword: string, newPassword: string) => {
      const { data } = await post<SignedIn>('/auth/password', { currentPassword, newPassword });
      return signedIn(data);
    },
    [signedIn],
  );

  const value = useMemo<AuthState>(
    () => ({
      user,
      expired,
      login,
      logout,
      changePassword,
      // admin may do everything (data correction), as the API allows
      has: (...roles) => !!user && (user.roles.includes('admin') || roles.some((r) => user.roles.includes(r))),
    }),
    [user, expired, login, logout, changePassword],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The home of each role (ui.md): the first role that has one wins. */
export function homeOf(user: User): string {
  const r = user.roles;
  if (r.includes('reception')) return '/reception';
  if (r.includes('office') || r.includes('handler')) return '/cases';
  if (r.includes('leader')) return '/dashboard';
  if (r.includes('admin')) return '/admin';
  return '/cases';
}
