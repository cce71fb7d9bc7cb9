import 'reflect-metadata';
import { runService } from '@rc/platform';
import { ConsoleModule } from './console.module';
import { consoleConfigSchema } from './config/console.config';

void runService({
  module: ConsoleModule,
  schema: consoleConfigSchema,
  openApi: {
    title: 'console',
    description:
      'Storefront and control room (tier 4): a backend-for-frontend over the six services.',
  },
});
