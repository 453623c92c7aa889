import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '#libs/config';
import { resilientClient } from '#libs/db';

export interface Subscription {
  /** Resolves true at the next notification for this report, false after `timeoutMs`. */
  next(timeoutMs: number): Promise<boolean>;
  close(): void;
}

/**
 * One LISTEN connection per api process for `report_events` notifications (sent by a trigger on
 * insert): SSE streams wait on it instead of each polling the database.
 */
@Injectable()
export class ReportEventsHub implements OnModuleDestroy {
  private readonly logger = new Logger(ReportEventsHub.name);
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly listeners = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(private readonly config: AppConfig) {}

  private async connect(): Promise<void> {
    if (this.client || this.closed) return;
    this.connecting ??= (async () => {
      const client = resilientClient('report-events', {
        connectionString: this.config.database.url,
        application_name: 'report-events-listener',
      });
      client.on('notification', (n) => this.listeners.get(n.payload ?? '')?.forEach((wake) => wake()));
      client.on('error', (err) => {
        this.logger.warn({ msg: 'report events listener lost its connection', err });
        this.client = null;
        // Wake everyone: streams re-read the table, then wait again (which reconnects).
        this.listeners.forEach((set) => set.forEach((wake) => wake()));
      });
      await client.connect();
      await client.query('LISTEN report_events');
      this.client = client;
    })().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
  }

  async subscribe(reportId: string): Promise<Subscription> {
    await this.connect();
    let pending = false;
    let resolveWait: ((woken: boolean) => void) | null = null;
    const wake = () => {
      if (resolveWait) {
        const r = resolveWait;
        resolveWait = null;
        r(true);
      } else pending = true;
    };
    const set = this.listeners.get(reportId) ?? new Set();
    set.add(wake);
    this.listeners.set(reportId, set);
    return {
      next: async (timeoutMs) => {
        if (pending) {
          pending = false;
          return true;
        }
        if (!this.client) await this.connect().catch(() => undefined);
        return new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            resolveWait = null;
            resolve(false);
          }, timeoutMs);
          resolveWait = (woken) => {
            clearTimeout(timer);
            resolve(woken);
          };
        });
      },
      close: () => {
        set.delete(wake);
        if (set.size === 0) this.listeners.delete(reportId);
        resolveWait?.(false);
      },
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.listeners.forEach((set) => set.forEach((wake) => wake()));
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
