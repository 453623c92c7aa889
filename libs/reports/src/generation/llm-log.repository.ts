import { execute } from '#libs/db';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface LlmCall {
  reportId: string;
  revision: number;
  requestId: string | null;
  model: string;
  purpose: string;
  inputTokens: number | null;
  outputTokens: number | null;
  durationMs: number;
  status: 'ok' | 'error';
  error: string | null;
  /** auth, permission, model_not_found, rate_limited, overloaded, server, timeout, other */
  errorKind?: string | null;
  costUsd: number | null;
}

/** USD per million tokens (input, output); unknown models are logged without a cost. */
const PRICES: [RegExp, number, number][] = [
  [/^claude-opus-4-[56]/, 5, 25],
  [/^claude-opus-4/, 15, 75],
  [/^claude-sonnet-4/, 3, 15],
  [/^claude-haiku-4/, 1, 5],
  [/^claude-3-5-haiku/, 0.8, 4],
];

export function costUsd(model: string, input: number | null, output: number | null): number | null {
  const price = PRICES.find(([re]) => re.test(model));
  if (!price || input === null || output === null) return null;
  return Math.round(((input * price[1] + output * price[2]) / 1e6) * 1e6) / 1e6;
}

@Injectable()
export class LlmLogRepository {
  constructor(private readonly db: DataSource) {}

  async record(c: LlmCall): Promise<void> {
    await execute(
      this.db,
      `INSERT INTO llm_api_logs (report_id, revision, request_id, model, purpose, input_tokens, output_tokens, duration_ms, status, error, cost_usd, error_kind)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        c.reportId,
        c.revision,
        c.requestId,
        c.model,
        c.purpose,
        c.inputTokens,
        c.outputTokens,
        c.durationMs,
        c.status,
        c.error?.slice(0, 2000) ?? null,
        c.costUsd,
        c.errorKind ?? null,
      ],
    );
  }
}
