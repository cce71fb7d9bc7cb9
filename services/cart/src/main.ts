import 'reflect-metadata';
import { runService } from '@rc/platform';
import { CartModule } from './cart.module';
import { cartConfigSchema } from './config/cart.config';

void runService({
  module: CartModule,
  schema: cartConfigSchema,
  openApi: { title: 'cart', description: 'Shopping carts (tier 2): Redis, best-effort events.' },
});
