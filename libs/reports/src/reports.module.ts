import { Module } from '@nestjs/common';
import { ReportsRepository } from './reports.repository.js';

@Module({ providers: [ReportsRepository], exports: [ReportsRepository] })
export class ReportsModule {}
