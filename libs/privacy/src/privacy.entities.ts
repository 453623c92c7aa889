import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A one-time link e-mailed to a buyer to download or erase their data (digest only). */
@Entity('privacy_requests')
export class PrivacyRequest {
  @PrimaryColumn({ type: 'text' })
  token_hash!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  used_at!: Date | null;
}
