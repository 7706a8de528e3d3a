-- PostgreSQL only: a trigram index for the fleet list's substring filter (search_text LIKE '%...%').
-- pg_trgm is a contrib extension that a database owner may create; when it cannot be had, the filter
-- still works, by scanning.
DO $$
DECLARE
    trgm_schema TEXT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION pg_trgm;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm is not available (%), the text filter will scan', SQLERRM;
        END;
    END IF;
    SELECT n.nspname INTO trgm_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX devices_search_text_trgm ON devices USING gin (search_text %I.gin_trgm_ops)',
                trgm_schema);
    END IF;
END
$$;
