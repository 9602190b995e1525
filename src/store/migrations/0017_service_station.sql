-- 驿站 (红警驿站) and 警务助理: service stations in the villages where residents' requests are
-- collected, the volunteers serving one as its police assistant, and the errands taken there.
-- `service_station`, not `station`: a station (派出所) is the county's (hq.station).
-- A synced table, written only through store::write (see 0001_init.sql).

CREATE TABLE service_station (
    id          TEXT PRIMARY KEY,
    village_id  TEXT NOT NULL,          -- sync and the county follow the village
    name        TEXT NOT NULL,          -- 红警驿站…
    address     TEXT,
    hours       TEXT,                   -- opening hours and notes on them
    notes       TEXT,
    opened_on   TEXT NOT NULL,
    closed_on   TEXT,                   -- takes no request from this day on
    deleted_at  TEXT
);
CREATE INDEX service_station_village ON service_station (village_id);

-- The station a 警务助理 serves (one at a time; their term is the volunteer's own).
ALTER TABLE volunteer ADD COLUMN service_station_id TEXT;
CREATE INDEX volunteer_service_station ON volunteer (service_station_id);

-- Where a request was collected and the assistant who took it.
ALTER TABLE errand ADD COLUMN service_station_id TEXT;
ALTER TABLE errand ADD COLUMN assistant_id TEXT;
CREATE INDEX errand_service_station ON errand (service_station_id, requested_on);
