import { z } from 'zod';
import {
  AUDIT_PURPOSES,
  CONSENT_PURPOSES,
  CONSENT_SOURCES,
  DISCLOSURE_KINDS,
  LEAD_SOURCES,
  LEAD_STATUSES,
} from './enums';
import { OBJECTION_KINDS } from './retention';

/**
 * The JSON file a data subject gets for an access or portability request. This zod schema is
 * the one source of truth: the API builds the file and checks it against this schema before
 * it is sent, `docs/subject-export.schema.json` is generated from it (`z.toJSONSchema`, a test
 * keeps the file in step), and `docs/subject-export.md` explains each field.
 */

export const SUBJECT_EXPORT_FORMAT = 'mg-leads/subject-export';
export const SUBJECT_EXPORT_VERSION = 1;

const instant = z.iso.datetime({ offset: false }).describe('UTC time, ISO 8601');
const describedEnum = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values).describe(what);

const consentEvent = z
  .object({
    purpose: describedEnum(CONSENT_PURPOSES, 'What the consent is for'),
    granted: z.boolean().describe('true: consent given; false: withdrawn'),
    source: describedEnum(CONSENT_SOURCES, 'How it was given or withdrawn'),
    privacyPolicyVersion: z
      .string()
      .nullable()
      .describe('The privacy policy version in force for this event, when recorded'),
    at: instant,
  })
  .strict();

const lead = z
  .object({
    id: z.number().int().positive().describe('Our reference for this inquiry'),
    project: z.string().describe('The housing project the inquiry was about'),
    subsidiary: z.string().describe('The Mestergruppen company responsible for it'),
    name: z.string().nullable().describe('null once anonymised'),
    email: z.string().nullable().describe('null once anonymised'),
    phone: z.string().nullable().describe('E.164; null once anonymised'),
    message: z.string().nullable(),
    source: describedEnum(LEAD_SOURCES, 'How the inquiry reached us'),
    status: describedEnum(LEAD_STATUSES, 'Where the follow-up stands'),
    privacyPolicyVersion: z
      .string()
      .nullable()
      .describe('The privacy policy version shown when the form was sent'),
    createdAt: instant,
    lastActivityAt: instant.describe('Start of the retention clock (UTC, ISO 8601)'),
    currentConsent: z
      .object({ marketing_email: z.boolean(), marketing_sms: z.boolean() })
      .strict()
      .describe('Consent in force now, per purpose'),
    restricted: z.boolean().describe('Processing restricted (GDPR art. 18)'),
    legalHold: z.boolean().describe('Kept for documentation despite an erasure request'),
    anonymisedAt: instant.nullable(),
    consentHistory: z.array(consentEvent).describe('Every consent event, oldest first'),
    notes: z
      .array(z.object({ text: z.string().nullable(), at: instant }).strict())
      .describe('Follow-up notes written about the inquiry (text null once anonymised)'),
    disclosures: z
      .array(
        z
          .object({
            subsidiary: z.string(),
            kind: describedEnum(
              DISCLOSURE_KINDS,
              'intake: sent there with the form; transfer: moved there later',
            ),
            at: instant,
          })
          .strict(),
      )
      .describe('Which company received the inquiry, and when'),
    objections: z
      .array(
        z
          .object({
            kind: describedEnum(OBJECTION_KINDS, 'What was objected to'),
            reason: z.string(),
            at: instant,
          })
          .strict(),
      )
      .describe('Objections recorded (GDPR art. 21)'),
  })
  .strict();

const consultation = z
  .object({
    at: instant,
    purpose: z.enum(AUDIT_PURPOSES).nullable().describe('Why the data was consulted or changed'),
    action: z
      .string()
      .describe('The operation (internal name, e.g. lead.byId = opened the inquiry)'),
    leadIds: z.array(z.number().int().positive()).describe('Which of the inquiries above'),
  })
  .strict();

export const subjectExportSchema = z
  .object({
    format: z.literal(SUBJECT_EXPORT_FORMAT),
    version: z.literal(SUBJECT_EXPORT_VERSION),
    generatedAt: instant,
    controller: z
      .object({ name: z.string(), orgNumber: z.string(), email: z.string() })
      .strict()
      .describe('Who is responsible for the data'),
    request: z
      .object({
        id: z.number().int().positive(),
        type: z.string().describe('The right the request used (access, portability, …)'),
        receivedAt: instant,
      })
      .strict(),
    subject: z
      .object({ email: z.string().nullable(), phone: z.string().nullable() })
      .strict()
      .describe('The addresses the inquiries were found by (normalised)'),
    leads: z.array(lead).describe('Every inquiry of the person, at every company, oldest first'),
    leadsCapped: z
      .boolean()
      .describe('true if the person has more inquiries than one file holds (ask us for the rest)'),
    consultations: z
      .array(consultation)
      .describe(
        'When and why the data was consulted or changed, newest first, without staff names',
      ),
    consultationsCapped: z.boolean().describe('true if older entries were left out'),
  })
  .strict();

export type SubjectExport = z.infer<typeof subjectExportSchema>;

/**
 * The JSON Schema of the file, as committed in docs/subject-export.schema.json (a test
 * compares them; regenerate with the command in docs/subject-export.md).
 */
export function subjectExportJsonSchema() {
  return {
    ...z.toJSONSchema(subjectExportSchema),
    $id: 'https://github.com/mestergruppen/mg-leads/docs/subject-export.schema.json',
    title: 'MG Leads: a data subject’s data (access and portability)',
  };
}
