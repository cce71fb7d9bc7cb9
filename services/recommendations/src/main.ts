import 'reflect-metadata';
import { runService } from '@rc/platform';
import { recommendationsConfigSchema } from './config/recommendations.config';
import { RecommendationsModule } from './recommendations.module';

void runService({
  module: RecommendationsModule,
  schema: recommendationsConfigSchema,
  openApi: {
    title: 'recommendations',
    description:
      'Products often bought together (tier 3): co-purchase model in Redis, always answers.',
  },
});
