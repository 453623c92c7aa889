import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Cacheable } from '#libs/common';
import {
  ALLERGEN_CODES,
  ALLERGEN_ENTRIES,
  DIET_TAG_CODES,
  DIET_TAG_ENTRIES,
  allergenChildren,
} from '#libs/food-vocabulary';

export class AllergenTermView {
  @ApiProperty({ enum: ALLERGEN_CODES, description: 'The canonical code, as stored and returned' })
  code!: string;
  @ApiProperty() label!: string;
  @ApiPropertyOptional({
    enum: ALLERGEN_CODES,
    nullable: true,
    type: String,
    description: 'The group it belongs to',
  })
  parent!: string | null;
  @ApiProperty({
    type: [String],
    description: 'What the group contains (an allergy to it rules them out too)',
  })
  children!: string[];
  @ApiProperty({ type: [String], description: 'Other spellings accepted and stored as this code' })
  synonyms!: string[];
  @ApiProperty({
    type: [String],
    description: 'Where the code comes from (EU Annex II item, US major allergen)',
  })
  sources!: string[];
}

export class DietTagTermView {
  @ApiProperty({ enum: DIET_TAG_CODES, description: 'The canonical code, as stored and returned' })
  code!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ type: [String] }) synonyms!: string[];
  @ApiProperty({ type: [String], description: 'Tags stored with it (a vegan product is also vegetarian)' })
  implies!: string[];
  @ApiProperty({
    type: [String],
    description:
      'Allergens (and their groups’ members) a product with this tag cannot declare: the tag is dropped',
  })
  contradicted_by!: string[];
}

/**
 * The vocabularies, published: what a vendor may write, what each code means and contains, and where
 * it comes from. Public and cacheable (they change with a deploy).
 */
@ApiTags('vocabularies')
@Controller('vocabularies')
export class VocabulariesController {
  @Get('allergens')
  @Cacheable(3600)
  @ApiOperation({
    summary:
      'Allergen codes: the EU 14 and US 9 regulatory allergens, their groups and members, and accepted spellings (public)',
  })
  @ApiOkResponse({ type: [AllergenTermView] })
  allergens(): AllergenTermView[] {
    return ALLERGEN_ENTRIES.map((e) => ({
      code: e.code,
      label: e.label,
      parent: e.parent ?? null,
      children: allergenChildren(e.code),
      synonyms: [...e.synonyms],
      sources: [...e.sources],
    }));
  }

  @Get('diet-tags')
  @Cacheable(3600)
  @ApiOperation({
    summary: 'Diet-tag codes, their implications, the allergens that contradict them (public)',
  })
  @ApiOkResponse({ type: [DietTagTermView] })
  dietTags(): DietTagTermView[] {
    return DIET_TAG_ENTRIES.map((e) => ({
      code: e.code,
      label: e.label,
      synonyms: [...e.synonyms],
      implies: [...e.implies],
      contradicted_by: [...e.contradictedBy],
    }));
  }
}
