import { Module } from '@nestjs/common';
import { AuditModule } from '#libs/audit';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuditLogService } from './audit-log.service.js';
import { VendorAuthGuard } from './auth/vendor-auth.guard.js';
import { VendorAuthService } from './auth/vendor-auth.service.js';
import { CredentialCache } from './auth/credential-cache.js';
import { DirectoryService } from './directory.service.js';
import { VendorsRepository } from './vendors.repository.js';
import { VendorsService } from './vendors.service.js';

/** Tenants, their API keys and the vendor authentication every vendor route uses. */
@Module({
  imports: [AuditModule],
  providers: [
    VendorsRepository,
    ApiKeysRepository,
    VendorsService,
    ApiKeysService,
    VendorAuthService,
    CredentialCache,
    VendorAuthGuard,
    DirectoryService,
    AuditLogService,
  ],
  exports: [
    VendorsService,
    ApiKeysService,
    DirectoryService,
    AuditLogService,
    VendorAuthService,
    CredentialCache,
    VendorAuthGuard,
    AuditModule,
  ],
})
export class VendorsModule {}
