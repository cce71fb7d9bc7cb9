import 'reflect-metadata';
import { runService } from '@rc/platform';
import { inventoryConfigSchema } from './config/inventory.config';
import { InventoryModule } from './inventory.module';

void runService({
  module: InventoryModule,
  schema: inventoryConfigSchema,
  openApi: { title: 'inventory', description: 'Catalogue, stock and reservations (tier 1).' },
});
