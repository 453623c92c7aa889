import { MigrationInterface, QueryRunner } from 'typeorm';
// the source files themselves, not the libs' indexes: data sources load the migrations
import { createFunctions } from '../libs/db/src/schema-source.js';
import { FUNCTIONS } from '../libs/schema/src/published.js';

/**
 * Every api process keeps what it learnt checking a vendor credential (libs/vendors/src/auth/
 * credential-cache.ts). These triggers tell them when that changes: `NOTIFY credentials_changed`
 * with the vendor id, sent as the change commits, on a key's role, revocation or hash changing or
 * the key being deleted, and on a vendor's status changing or the vendor being deleted — whoever
 * writes it (the api, the worker, an operator's SQL).
 */
export class CredentialNotifications1795222700000 implements MigrationInterface {
  name = 'CredentialNotifications1795222700000';

  async up(q: QueryRunner): Promise<void> {
    await createFunctions(q, FUNCTIONS.vendors!, { notify_credentials_changed: '17750117f6d6' });
    await q.query(`
      CREATE TRIGGER vendor_api_keys_credentials_changed AFTER UPDATE ON vendor_api_keys FOR EACH ROW
        WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
              OR OLD.key_hash IS DISTINCT FROM NEW.key_hash OR OLD.vendor_id IS DISTINCT FROM NEW.vendor_id)
        EXECUTE FUNCTION notify_credentials_changed('vendor_id')`);
    await q.query(`
      CREATE TRIGGER vendor_api_keys_credentials_deleted AFTER DELETE ON vendor_api_keys FOR EACH ROW
        EXECUTE FUNCTION notify_credentials_changed('vendor_id')`);
    await q.query(`
      CREATE TRIGGER vendors_credentials_changed AFTER UPDATE ON vendors FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status)
        EXECUTE FUNCTION notify_credentials_changed('id')`);
    await q.query(`
      CREATE TRIGGER vendors_credentials_deleted AFTER DELETE ON vendors FOR EACH ROW
        EXECUTE FUNCTION notify_credentials_changed('id')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS vendors_credentials_deleted ON vendors`);
    await q.query(`DROP TRIGGER IF EXISTS vendors_credentials_changed ON vendors`);
    await q.query(`DROP TRIGGER IF EXISTS vendor_api_keys_credentials_deleted ON vendor_api_keys`);
    await q.query(`DROP TRIGGER IF EXISTS vendor_api_keys_credentials_changed ON vendor_api_keys`);
    await q.query(`DROP FUNCTION IF EXISTS notify_credentials_changed()`);
  }
}
