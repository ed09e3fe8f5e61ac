import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthGuard } from '#libs/auth';
import { dataSourceOptions, ensureDatabase, type DatabaseConfig } from '#libs/persistence';
import { SERVICE_CLIENT, type ServiceClient } from '#libs/runtime';
import { AccountsService } from './accounts.service.js';
import { AdminController, AuthController, HealthController, PetitionersController, PetitionsController, ReceptionSessionsController, ReportsController } from './controllers.js';
import { GATEWAY_ENTITIES } from './gateway.entities.js';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings.js';
import { GatewayInitial1700000000000 } from './migrations/1700000000000-gateway-initial.js';
import { PetitionsFacade } from './petitions.facade.js';

/** The one HTTP entry point for people and scripts, in both modes. */
@Module({})
export class GatewayModule {
  static register(settings: GatewaySettings, db: DatabaseConfig, services: ServiceClient): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase('gateway', db);
            return dataSourceOptions('gateway', db, GATEWAY_ENTITIES, [GatewayInitial1700000000000]);
          },
        }),
        TypeOrmModule.forFeature(GATEWAY_ENTITIES),
        JwtModule.register({ secret: settings.jwtSecret, signOptions: { expiresIn: settings.jwtTtlSeconds } }),
      ],
      controllers: [HealthController, AuthController, AdminController, PetitionsController, PetitionersController, ReceptionSessionsController, ReportsController],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: settings },
        { provide: SERVICE_CLIENT, useValue: services },
        { provide: APP_GUARD, useClass: AuthGuard },
        AccountsService,
        PetitionsFacade,
      ],
    };
  }
}
