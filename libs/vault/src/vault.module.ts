import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { KeyRing } from './key-ring.js';
import { VaultRepository } from './vault.repository.js';
import { VaultService } from './vault.service.js';

@Module({
  providers: [
    {
      provide: KeyRing,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => KeyRing.fromConfig(config, (msg) => new Logger('Vault').warn(msg)),
    },
    VaultRepository,
    VaultService,
  ],
  exports: [VaultService],
})
export class VaultModule {}
