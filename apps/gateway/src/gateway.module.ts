import { createSecretKey, type KeyObject } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerminusModule } from '@nestjs/terminus';
import { AuthGuard, SECURITY_EVENTS, TOKEN_AUTHORITY } from '#libs/auth';
import { dataSourceOptions, ensureDatabase, type DatabaseConfig } from '#libs/persistence';
import { SERVICE_CLIENT, type ServiceClient } from '#libs/runtime';
import { AccountsService } from './accounts.service.js';
import { AdminController, AuthController, HealthController, PetitionersController, PetitionsController, ReceptionSessionsController, ReportsController } from './controllers.js';
import { DeadLettersController, DeadLettersService } from './dead-letters.js';
import { CalendarController } from './calendar.js';
import { DocumentsController, DocumentsService } from './documents.js';
import { TimerQueueController } from './timer-queue.js';
import { GATEWAY_ENTITIES } from './gateway.entities.js';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings.js';
import { IdempotencyInterceptor, IdempotencyStore } from './idempotency.js';
import { LoginLockout } from './login-lockout.js';
import { LoginThrottleGuard, loginThrottlers } from './login-throttle.js';
import { GATEWAY_MIGRATIONS } from './migrations/index.js';
import { SecurityInterceptor } from './security.interceptor.js';
import { SecurityLog } from './security-log.js';
import { SessionsService } from './sessions.service.js';
import { PetitionsFacade } from './petitions.facade.js';
import { PublicTrackController, PublicTrackService } from './public-track.js';
import { PublicThrottleGuard } from './public-throttle.js';

/**
 * The JWT secret as a KeyObject, made once: handed a string, jsonwebtoken first tries
 * crypto.createPublicKey on it and then builds a secret key, on every sign and verify (375 µs a
 * request instead of 8 µs). The same bytes, so tokens signed before still verify.
 */
export function jwtSigningKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/** The one HTTP entry point for people and scripts, in both modes. */
@Module({})
export class GatewayModule {
  static register(settings: GatewaySettings, db: DatabaseConfig, services: ServiceClient): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        TerminusModule,
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase('gateway', db);
            return dataSourceOptions('gateway', db, GATEWAY_ENTITIES, GATEWAY_MIGRATIONS);
          },
        }),
        TypeOrmModule.forFeature(GATEWAY_ENTITIES),
        JwtModule.register({ secret: jwtSigningKey(settings.jwtSecret), signOptions: { expiresIn: settings.jwtTtlSeconds } }),
        ThrottlerModule.forRoot(loginThrottlers(settings)),
      ],
      controllers: [
        HealthController,
        AuthController,
        AdminController,
        PetitionsController,
        PetitionersController,
        ReceptionSessionsController,
        ReportsController,
        DeadLettersController,
        TimerQueueController,
        CalendarController,
        PublicTrackController,
        DocumentsController,
      ],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: settings },
        { provide: SERVICE_CLIENT, useValue: services },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: SecurityInterceptor },
        // POSTs with an Idempotency-Key run once per user and key (after the guard: the key is the user's).
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        IdempotencyStore,
        SecurityLog,
        { provide: SECURITY_EVENTS, useExisting: SecurityLog },
        SessionsService,
        { provide: TOKEN_AUTHORITY, useExisting: SessionsService },
        LoginLockout,
        LoginThrottleGuard,
        AccountsService,
        PetitionsFacade,
        DeadLettersService,
        DocumentsService,
        // The public door (信访查询): its rate limit per client address, and the checks behind it.
        PublicThrottleGuard,
        PublicTrackService,
      ],
    };
  }
}
