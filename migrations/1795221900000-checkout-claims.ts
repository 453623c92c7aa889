import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Checkout creation is serialised per calculator session: a request claims the session here
 * (a lease, so a crashed process cannot block the session for longer than `claimed_until`), talks to
 * the payment provider outside any transaction, records the checkout and releases the claim.
 * Concurrent checkouts of one session used to create one open checkout each.
 */
export class CheckoutClaims1795221900000 implements MigrationInterface {
  name = 'CheckoutClaims1795221900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE checkout_claims (
        session_id    uuid        PRIMARY KEY REFERENCES calculator_sessions (id) ON DELETE CASCADE,
        claimed_until timestamptz NOT NULL
      )`);
    await q.query(`SELECT grant_application_roles()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE checkout_claims`);
  }
}
