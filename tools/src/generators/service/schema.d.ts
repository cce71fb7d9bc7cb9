/** Options of the `service` generator (see schema.json). */
export interface ServiceGeneratorSchema {
  name: string;
  tier: number;
  store?: 'postgres' | 'redis' | 'none';
  port?: number;
  directory?: string;
  skipFormat?: boolean;
}
