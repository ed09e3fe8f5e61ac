import { createHash } from 'node:crypto';
import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '#libs/common';
import { Roles, TOKEN_AUTHORITY, type TokenAuthority, type TokenClaims } from '#libs/auth';
import { DEADLINE_QUEUE } from '#libs/contracts';
import { ApiErrors } from './dto/responses.js';
import { GATEWAY_SETTINGS, type GatewaySettings } from './gateway.settings.js';

/** Where bull-board answers (under /api: the ingress routes it to the gateway, the web app's fallback leaves it alone). */
export const TIMER_QUEUE_UI = '/api/v1/admin/timer-queue/ui';
const COOKIE = 'petition_timer_queue';
const TICKET_MINUTES = 15;

/**
 * The key of the board's tickets: derived from the gateway's JWT secret, but not it, so a ticket
 * is never accepted as an access token (nor an access token as a ticket).
 */
function ticketJwt(settings: GatewaySettings): JwtService {
  return new JwtService({ secret: createHash('sha256').update(`timer-queue-ticket:${settings.jwtSecret}`).digest('base64url') });
}

interface CookieReq {
  headers: Record<string, string | string[] | undefined>;
  secure?: boolean;
}

function cookieOf(req: CookieReq, name: string): string | undefined {
  const header = req.headers.cookie;
  for (const part of (Array.isArray(header) ? header.join(';') : (header ?? '')).split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * The deadline timers' BullMQ queue in bull-board (distributed mode; embedded keeps its timers in
 * the process). Read-only: a job moved or removed by hand would change when a deadline is
 * noticed, and the deadline service re-arms what it finds missing anyway. A browser reaches it
 * with a short ticket cookie (HttpOnly, SameSite=Strict, path of the board only) that an
 * administrator's session asks for; every request checks that its user is still an active
 * administrator with the session open.
 */
@ApiTags('administration')
@ApiBearerAuth()
@Controller('api/v1/admin/timer-queue')
export class TimerQueueController {
  private readonly tickets: JwtService;
  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    jwt: JwtService,
  ) {
    this.tickets = ticketJwt(settings);
    this.access = jwt;
  }
  private readonly access: JwtService;

  @Post('session')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: `A ${TICKET_MINUTES}-minute ticket (cookie) for the timer queue board at ${TIMER_QUEUE_UI}/ (bull-board, read-only; distributed mode only)` })
  @ApiNoContentResponse({ description: 'Set-Cookie: the ticket, for the board’s path only' })
  @ApiErrors(401, { status: 403, message: '此操作需要以下角色之一：系统管理员' }, { status: 404, message: '嵌入模式没有计时器队列：计时器在平台进程内' })
  async session(@Req() req: CookieReq, @Res({ passthrough: true }) res: { cookie?: unknown; setHeader(k: string, v: string): void }): Promise<void> {
    if (!this.settings.timerQueue) throw new NotFoundError('嵌入模式没有计时器队列：计时器在平台进程内');
    // The guard has verified the bearer token: the ticket stands for the same user and session.
    const bearer = String(req.headers.authorization ?? '').slice(7);
    const claims = this.access.decode<TokenClaims>(bearer);
    const ticket = await this.tickets.signAsync(
      { sub: claims.sub, ver: claims.ver, sid: claims.sid, roles: claims.roles, unitCode: claims.unitCode, name: claims.name },
      { expiresIn: TICKET_MINUTES * 60 },
    );
    res.setHeader('Set-Cookie', `${COOKIE}=${encodeURIComponent(ticket)}; Path=${TIMER_QUEUE_UI}; Max-Age=${TICKET_MINUTES * 60}; HttpOnly; SameSite=Strict${req.secure ? '; Secure' : ''}`);
  }
}

/** Mounts the board (distributed mode, when the gateway is given the timers' Redis); returns its closer. */
export function mountTimerQueue(app: NestExpressApplication, settings: GatewaySettings): (() => Promise<void>) | null {
  if (!settings.timerQueue) return null;
  const connection = new Redis(settings.timerQueue.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  const queue = new Queue(DEADLINE_QUEUE, { connection, prefix: settings.timerQueue.prefix });
  const board = new ExpressAdapter();
  board.setBasePath(TIMER_QUEUE_UI);
  createBullBoard({
    queues: [new BullMQAdapter(queue, { readOnlyMode: true, description: '期限计时器（提醒、超期、督办）' })],
    serverAdapter: board,
    options: { uiConfig: { boardTitle: '计时器队列' } },
  });
  const tickets = ticketJwt(settings);
  // The platform's own error body, as ErrorBodyFilter writes it for every route.
  const refuse = (res: { status(n: number): { json(b: unknown): void } }, status: 401 | 403, message: string) => {
    const e = status === 401 ? new UnauthorizedError(message) : new ForbiddenError(message);
    res.status(e.status).json(e.toJSON());
  };
  app.use(TIMER_QUEUE_UI, async (req: CookieReq, res: never, next: () => void) => {
    const ticket = cookieOf(req, COOKIE);
    if (!ticket) return refuse(res, 401, '请从管理页面的“计时器队列”进入（缺少访问凭证或已过期）');
    let claims: TokenClaims;
    try {
      claims = await tickets.verifyAsync<TokenClaims>(ticket);
    } catch {
      return refuse(res, 401, '计时器队列的访问凭证已失效，请从管理页面重新进入');
    }
    const standing = await app.get<TokenAuthority>(TOKEN_AUTHORITY).standing(claims);
    if (!standing.ok) return refuse(res, 401, standing.message);
    if (!standing.caller.roles.includes('admin')) return refuse(res, 403, '此操作需要以下角色之一：系统管理员');
    next();
  });
  app.use(TIMER_QUEUE_UI, board.getRouter());
  return async () => {
    await queue.close();
    connection.disconnect();
  };
}
