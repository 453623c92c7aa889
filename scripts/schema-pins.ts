import { schemaPin } from '#libs/db';
import { FUNCTIONS, VIEWS } from '#libs/schema';

/**
 * Prints the pin of every SQL function and view in the source (libs/db schema-source.ts): what a
 * migration that creates the current text passes to createFunctions / createViews.
 */
for (const [kind, all] of [
  ['functions', FUNCTIONS],
  ['views', VIEWS],
] as const) {
  for (const [lib, source] of Object.entries(all)) {
    console.log(`${kind} of ${lib}:`);
    for (const [name, text] of Object.entries(source)) console.log(`  ${name}: '${schemaPin(text)}',`);
  }
}
