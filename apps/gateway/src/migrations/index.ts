import { GatewayInitial1700000000000 } from './1700000000000-gateway-initial.js';
import { GatewayAccounts1765000000000 } from './1765000000000-gateway-accounts.js';
import { GatewayIdempotency1766000000000 } from './1766000000000-gateway-idempotency.js';

/** The gateway's migrations, in order (GatewayModule runs them; the schema tests check them). */
export const GATEWAY_MIGRATIONS = [GatewayInitial1700000000000, GatewayAccounts1765000000000, GatewayIdempotency1766000000000];
