import 'reflect-metadata';
import { runService } from '@rc/platform';
import { paymentConfigSchema } from './config/payment.config';
import { PaymentModule } from './payment.module';

void runService({
  module: PaymentModule,
  schema: paymentConfigSchema,
  openApi: {
    title: 'payment',
    description: 'Charges and refunds through a simulated provider (tier 1).',
  },
});
