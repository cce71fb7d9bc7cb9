import 'reflect-metadata';
import { runService } from '@rc/platform';
import { CheckoutModule } from './checkout.module';
import { checkoutConfigSchema } from './config/checkout.config';

void runService({
  module: CheckoutModule,
  schema: checkoutConfigSchema,
  openApi: {
    title: 'checkout',
    description:
      'The checkout saga (tier 1): reserve stock, charge, confirm with OrderPlaced in the outbox; compensation and recovery.',
  },
});
