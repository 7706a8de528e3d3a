-- Who last changed the certification list (CertificationTable): a start-up file or the REST API. A start with
-- --certified FILE does not overwrite a list last changed through the API.
ALTER TABLE inventory_meta ADD COLUMN certifications_changed_by VARCHAR(1024);
ALTER TABLE inventory_meta ADD COLUMN certifications_changed_through_api BOOLEAN NOT NULL DEFAULT FALSE;
