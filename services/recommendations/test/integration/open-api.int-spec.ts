import { servedOpenApiDocument } from '@rc/testing';
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
    const served = await servedOpenApiDocument(reco.url);

    // Assert
    expect(served).toEqual({
      status: 200,
      issues: [],
      paths: ['/admin/faults', '/v1/recommendations'],
    });
  });
});
