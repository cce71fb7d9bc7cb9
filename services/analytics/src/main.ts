import 'reflect-metadata';
import { runService } from '@rc/platform';
import { AnalyticsModule } from './analytics.module';
import { analyticsConfigSchema } from './config/analytics.config';

void runService({
  module: AnalyticsModule,
  schema: analyticsConfigSchema,
  openApi: {
    title: 'analytics',
    description: 'Aggregates of every event stream (tier 4): eventually consistent, shed first.',
  },
});
