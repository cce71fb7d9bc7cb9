import type { AnalyticsSummary } from '../domain/analytics';
import type { AnalyticsReadModel } from '../domain/analytics.ports';

/** Input of {@link GetSummary}. */
export interface GetSummaryQuery {
  /** Reporting currency (revenue and top products are per currency). */
  currency: string;
  /** How many top products to list. */
  top: number;
}

/** The dashboard summary. Reads are eventually consistent: they trail Kafka by the lag. */
export class GetSummary {
  constructor(private readonly readModel: AnalyticsReadModel) {}

  async execute(query: GetSummaryQuery): Promise<AnalyticsSummary> {
    return this.readModel.summary(query.currency, query.top);
  }
}
