import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VendorId } from '#libs/db';

@Entity('vault_secrets')
export class VaultSecret {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  key_id!: string;

  @Column({ type: 'bytea' })
  nonce!: Buffer;

  @Column({ type: 'bytea' })
  ciphertext!: Buffer;

  @Column({ type: 'bytea' })
  auth_tag!: Buffer;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
