import { Module } from '@nestjs/common';
import { InternalController, SERVICE_API, type ServiceApi, type ServiceDefinition } from '#libs/runtime';
import { CLOSURE_ENTITIES } from './closure.entities.js';
import { ClosureHandlers } from './closure.handlers.js';
import { ClosureService } from './closure.service.js';
import { ClosureInitial1700000000000 } from './migrations/1700000000000-closure-initial.js';

export function closureService(): ServiceDefinition {
  @Module({
    controllers: [InternalController, ClosureHandlers],
    providers: [
      ClosureService,
      {
        provide: SERVICE_API,
        inject: [ClosureService],
        useFactory: (s: ClosureService): ServiceApi => ({ commands: { close: (c) => s.close(c) }, queries: {} }),
      },
    ],
  })
  class ClosureModule {}
  return { name: 'closure', module: ClosureModule, entities: CLOSURE_ENTITIES, migrations: [ClosureInitial1700000000000] };
}
