import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { post, session, type Role, type User } from './api';

interface AuthState {
  user: User | null;
  /** The session ended by itself (token expired): sign-in returns to the page left behind. */
  expired: boolean;
  login(username: string, password: string): Promise<User>;
  logout(): void;
  has(...roles: Role[]): boolean;
}

const USER_KEY = 'xf.user';
const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [user, setUser] = useState<User | null>(() => {
    const raw = sessionStorage.getItem(USER_KEY);
    return raw && session.token ? (JSON.parse(raw) as User) : null;
  });

  const [expired, setExpired] = useState(false);
  const end = useCallback(
    (byItself: boolean) => {
      session.set(null);
      sessionStorage.removeItem(USER_KEY);
      queries.clear();
      setExpired(byItself);
      setUser(null);
    },
    [queries],
  );
  const logout = useCallback(() => end(false), [end]);

  useEffect(() => session.onUnauthorized(() => end(true)), [end]);

  const login = useCallback(async (username: string, password: string) => {
    const { data } = await post<{ accessToken: string; user: User }>('/auth/login', { username, password });
    session.set(data.accessToken);
    sessionStorage.setItem(USER_KEY, JSON.stringify(data.user));
    setExpired(false);
    setUser(data.user);
    return data.user;
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      user,
      expired,
      login,
      logout,
      // admin may do everything (data correction), as the API allows
      has: (...roles) => !!user && (user.roles.includes('admin') || roles.some((r) => user.roles.includes(r))),
    }),
    [user, expired, login, logout],
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
