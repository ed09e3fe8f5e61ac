export interface GatewaySettings {
  mode: 'embedded' | 'distributed';
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** First start with no users: the admin's password (embedded generates one if unset). */
  adminPassword?: string;
}
export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
