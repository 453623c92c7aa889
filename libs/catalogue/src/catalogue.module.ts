import { Module } from '@nestjs/common';
import { VendorsModule } from '#libs/vendors';
import { WebhooksModule } from '#libs/webhooks';
import { ProductsBulkTarget } from './bulk/products-bulk.target.js';
import { CatalogueChanges } from './catalogue-changes.js';
import { ProductsRepository } from './products.repository.js';
import { ProductsService } from './products.service.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';

@Module({
  imports: [VendorsModule, WebhooksModule],
  providers: [
    CatalogueChanges,
    ProductsRepository,
    ProductsService,
    SearchRepository,
    SearchService,
    ProductsBulkTarget,
  ],
  exports: [ProductsService, SearchService, ProductsRepository, ProductsBulkTarget],
})
export class CatalogueModule {}
