-- Reserved for the 0003_api tables: replace this whole file with the CREATE statements (drizzle format,
-- statements separated by the statement-breakpoint marker). SELECT 1 keeps it valid until then.
SELECT 1;
