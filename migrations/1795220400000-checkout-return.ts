import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The built-in return from checkout (GET /calculator/paid) turns a checkout id into a report link
 * once: `return_redeemed_at` records that use, so a checkout id seen later (browser history, a
 * forwarded URL) opens nothing.
 */
export class CheckoutReturn1795220400000 implements MigrationInterface {
  name = 'CheckoutReturn1795220400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments ADD COLUMN return_redeemed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments DROP COLUMN return_redeemed_at`);
  }
}
