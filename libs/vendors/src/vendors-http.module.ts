import { Module } from '@nestjs/common';
import { AdminVendorsController } from './admin-vendors.controller.js';
import { ApiKeysController } from './api-keys.controller.js';
import { AuditLogController } from './audit-log.controller.js';
import { DirectoryProfileController } from './directory-profile.controller.js';
import { DirectoryController } from './directory.controller.js';
import { VendorsModule } from './vendors.module.js';

@Module({
  imports: [VendorsModule],
  controllers: [
    AdminVendorsController,
    ApiKeysController,
    AuditLogController,
    DirectoryController,
    DirectoryProfileController,
  ],
})
export class VendorsHttpModule {}
