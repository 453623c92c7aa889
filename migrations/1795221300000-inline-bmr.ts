import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `mifflin_st_jeor` and `age_on` written so PostgreSQL inlines them. A SQL function is inlined
 * only when its body is one expression no more volatile than the function: `mifflin_st_jeor`
 * guarded its formula with a `WHERE` clause, and `age_on` cast dates to `timestamptz` (a cast
 * that depends on the time zone setting), so every row of a set-based write (a customers import,
 * a diet-rule recompute) paid two or three function calls — BMR is derived twice when TDEE is
 * too — 3 µs a row of a customers import's 12.
 *
 * The same results: a missing weight, height or age already makes the arithmetic NULL and a
 * missing sex now makes the CASE NULL (the guard's effect); `age()` of two local midnights counts
 * the same calendar years as a `timestamp` as it did as a `timestamptz`.
 */
export class InlineBmr1795221300000 implements MigrationInterface {
  name = 'InlineBmr1795221300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION mifflin_st_jeor(sex text, weight_kg real, height_cm real, age integer) RETURNS real
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (10 * weight_kg + 6.25 * height_cm - 5 * age
                + CASE WHEN sex IS NULL THEN NULL WHEN sex = 'male' THEN 5 WHEN sex = 'female' THEN -161 ELSE -78 END)::real
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION age_on(birth_date date, age smallint, day date) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(extract(year FROM age(day::timestamp, birth_date::timestamp))::integer, age::integer)
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION mifflin_st_jeor(sex text, weight_kg real, height_cm real, age integer) RETURNS real
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (10 * weight_kg + 6.25 * height_cm - 5 * age
                + CASE sex WHEN 'male' THEN 5 WHEN 'female' THEN -161 ELSE -78 END)::real
         WHERE weight_kg IS NOT NULL AND height_cm IS NOT NULL AND age IS NOT NULL AND sex IS NOT NULL
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION age_on(birth_date date, age smallint, day date) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(extract(year FROM age(day, birth_date))::integer, age::integer)
      $$`);
  }
}
