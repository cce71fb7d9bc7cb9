import { openApiDocumentIssues } from '@rc/testing';
import {
  startRecommendations,
  type StartedRecommendations,
} from '../support/start-recommendations';

describe('recommendations OpenAPI document (service in-process, real Redis and Kafka)', () => {
  let reco: StartedRecommendations;

  beforeAll(async () => {
    reco = await startRecommendations();
  });

  afterAll(async () => {
    await reco?.stop();
  });

  it('when /docs-json is fetched, then it is valid OpenAPI 3.1 with the problem+json answers of every operation', async () => {
    // Act
    const res = await fetch(`${reco.url}/docs-json`);
    const document = (await res.json()) as { paths: Record<string, object> };

    // Assert
    expect(res.status).toBe(200);
    expect(await openApiDocumentIssues(document)).toEqual([]);
    expect(Object.keys(document.paths).sort()).toEqual(['/admin/faults', '/v1/recommendations']);
  });
});
