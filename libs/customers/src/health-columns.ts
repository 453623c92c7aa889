import { getMetadataArgsStorage } from 'typeorm';
import { CustomerHealth } from './customers.entities.js';
import {
  HEALTH_FIELD_CATALOGUE,
  healthField,
  type HealthField,
  type HealthProfileInput,
} from './customer.types.js';

/** The writable health fields, in the catalogue's order (the catalogue is their one declaration). */
export const HEALTH_FIELDS = Object.keys(HEALTH_FIELD_CATALOGUE) as HealthField[];

/** A health column's SQL type, from the entity (`smallint`, `text[]`, …). */
export function healthColumnType(field: HealthField): string {
  const column = getMetadataArgsStorage().columns.find(
    (c) => c.target === CustomerHealth && c.propertyName === field,
  );
  if (!column) throw new Error(`customer_health has no column ${field}`);
  return `${String(column.options.type)}${column.options.array ? '[]' : ''}`;
}

/** A profile with nothing given: each field's catalogue default, or null. */
export const emptyHealthProfile = (): Required<HealthProfileInput> =>
  Object.fromEntries(
    HEALTH_FIELDS.map((f) => [f, structuredClone(healthField(f).default ?? null)]),
  ) as Required<HealthProfileInput>;
