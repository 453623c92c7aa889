import { Module } from '@nestjs/common';
import { VendorsModule } from '#libs/vendors';
import { CatalogueModule } from './catalogue.module.js';
import { ProductsController } from './products.controller.js';
import { SearchController } from './search.controller.js';
import { VocabulariesController } from './vocabularies.controller.js';

@Module({
  imports: [CatalogueModule, VendorsModule],
  controllers: [ProductsController, SearchController, VocabulariesController],
})
export class CatalogueHttpModule {}
