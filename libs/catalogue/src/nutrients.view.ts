import { ApiProperty } from '@nestjs/swagger';

/** The nine nutrients, each null when the product does not state it. */
export class NutrientsView {
  @ApiProperty({ type: Number, nullable: true }) calories!: number | null;
  @ApiProperty({ type: Number, nullable: true }) protein_g!: number | null;
  @ApiProperty({ type: Number, nullable: true }) fat_g!: number | null;
  @ApiProperty({ type: Number, nullable: true }) carbs_g!: number | null;
  @ApiProperty({ type: Number, nullable: true }) sugar_g!: number | null;
  @ApiProperty({ type: Number, nullable: true }) fiber_g!: number | null;
  @ApiProperty({ type: Number, nullable: true }) sodium_mg!: number | null;
  @ApiProperty({ type: Number, nullable: true }) potassium_mg!: number | null;
  @ApiProperty({ type: Number, nullable: true }) saturated_fat_g!: number | null;
}
