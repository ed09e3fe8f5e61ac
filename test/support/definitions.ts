import { loadConfig } from '#libs/common';
import { MESSAGING_ENTITIES } from '#libs/messaging';
import { EmbeddedConfig } from '#libs/runtime';
import { embeddedServiceDefinitions } from '../../apps/embedded/src/embedded.js';
import { GATEWAY_ENTITIES } from '../../apps/gateway/src/gateway.entities.js';
import { GatewayInitial1700000000000 } from '../../apps/gateway/src/migrations/1700000000000-gateway-initial.js';

/**
 * Every database of the platform: its entities and its migrations, taken from the service
 * definitions the embedded platform starts (with the configuration's defaults), so a migration
 * or entity added to a service is checked without being listed here. The gateway is not a
 * service definition: its entities and its one migration are those GatewayModule registers.
 */
export function allSchemas(): { name: string; entities: Function[]; migrations: Function[] }[] {
  return [
    ...embeddedServiceDefinitions(loadConfig(EmbeddedConfig, {})).map((d) => ({ name: d.name, entities: [...MESSAGING_ENTITIES, ...d.entities], migrations: d.migrations })),
    { name: 'gateway', entities: GATEWAY_ENTITIES, migrations: [GatewayInitial1700000000000] },
  ];
}
