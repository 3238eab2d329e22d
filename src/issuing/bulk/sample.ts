// The example file offered beside the upload form: every column the importer reads
// (src/issuing/bulk/csv.ts), with a quoted narrative that holds a comma and a line break,
// rows that leave the optional columns empty, and dates in the past so it passes as it is.
export const SAMPLE_CSV_NAME = 'laurel-recipients-example.csv';

export const SAMPLE_CSV = [
  'name,email,issued_on,expires_on,evidence_url,narrative',
  'Ada Lovelace,ada@example.org,2025-06-30,2028-06-30,https://example.org/portfolio/ada,"Wrote the first published program, for the Analytical Engine."',
  'Grace Hopper,grace@example.org,2025-06-30,,,"Built the first compiler.\nTaught the course twice."',
  'Alan Turing,alan@example.org,,,https://example.org/portfolio/alan,',
  '',
].join('\r\n');
