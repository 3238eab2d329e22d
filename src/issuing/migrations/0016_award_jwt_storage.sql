-- A VC-JWT is base64url text: pglz saves a third of its size and was more than half of the
-- compression time of a bulk issue, itself 7% of the main thread on PGlite (pglz finds few
-- matches in base64). Stored out of line as it is, a JWT costs about 1 KB more per award on disk;
-- the credential JSON, which compresses well, is still compressed.
ALTER TABLE awards ALTER COLUMN credential_jwt SET STORAGE EXTERNAL;
