import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ROLES, type VendorPrincipal } from './auth/principal.js';
import { Principal, VendorAuth } from './auth/vendor-auth.guard.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditPageView, AuditQueryDto } from './vendors.dto.js';

@ApiTags('audit')
@VendorAuth(ROLES.admin)
@Controller('audit-log')
export class AuditLogController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @ApiOperation({ summary: "The vendor's audit log, newest first (vendor admins)" })
  @ApiOkResponse({ type: AuditPageView })
  list(@Principal() me: VendorPrincipal, @Query() q: AuditQueryDto): Promise<AuditPageView> {
    return this.auditLog.page(me, me.vendorId, q);
  }
}
