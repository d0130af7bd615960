-- The suppression key becomes (email_hash, purpose), with email_hash = SHA-256 of the
-- normalised e-mail alone (it was SHA-256 of "<purpose>:<e-mail>", because email_hash was
-- the whole primary key). Old rows cannot be converted: a hash cannot be reversed to
-- re-hash the address. They are demo/test data only, so the table is recreated EMPTY on
-- purpose (no INSERT … SELECT). A production database with real opt-outs would need them
-- re-entered from their source before this runs.
DROP TABLE `suppressions`;--> statement-breakpoint
CREATE TABLE `suppressions` (
	`email_hash` text NOT NULL,
	`purpose` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`email_hash`, `purpose`)
);
