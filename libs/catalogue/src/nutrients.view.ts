import { ApiProperty } from '@nestjs/swagger';
import { nutrientProperties, nutrientUnit, type Nutrients } from './nutrients.js';

/** The nutrients (nutrients.ts), each null when the product does not state it. */
export const NutrientsView = nutrientProperties<Nutrients>('NutrientsView', (n) =>
  ApiProperty({ type: Number, nullable: true, description: nutrientUnit(n) }),
);
export type NutrientsView = Nutrients;
