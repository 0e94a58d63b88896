-- Tributary store, version 21: what each record was when a link last had it in sync with the
-- endpoint (the hub's data at the version the id map names), kept with the mapping by links whose
-- conflicts wait for a person, so that a parked conflict shows both sides against what they
-- changed from (and the conflict keeps its own copy).
ALTER TABLE id_map ADD COLUMN base_data TEXT;
ALTER TABLE conflicts ADD COLUMN base_data TEXT;
