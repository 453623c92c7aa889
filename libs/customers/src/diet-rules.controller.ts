import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdempotencyRequired } from '#libs/common';
import { Principal, ROLES, VendorAuth, type VendorPrincipal } from '#libs/vendors';
import { ConditionParam, DietRuleView, PutDietRuleDto } from './customers.dto.js';
import { DietRulesService } from './diet-rules.service.js';

@ApiTags('diet rules')
@Controller('diet-rules')
export class DietRulesController {
  constructor(private readonly rules: DietRulesService) {}

  @Get()
  @VendorAuth(ROLES.read)
  @ApiOperation({ summary: "The vendor's diet rules per condition (defaults seeded with their sources)" })
  @ApiOkResponse({ type: [DietRuleView] })
  list(@Principal() me: VendorPrincipal): Promise<DietRuleView[]> {
    return this.rules.list(me.vendorId);
  }

  @Put(':condition_code')
  @VendorAuth(ROLES.write)
  @IdempotencyRequired()
  @ApiOperation({
    summary:
      'Set the rule for a condition; every customer holding it is re-derived in the background (audited)',
  })
  @ApiOkResponse({ type: DietRuleView })
  put(
    @Principal() me: VendorPrincipal,
    @Param() p: ConditionParam,
    @Body() dto: PutDietRuleDto,
  ): Promise<DietRuleView> {
    return this.rules.put(me, me.vendorId, p.condition_code, dto.policy, dto.source ?? null);
  }
}
